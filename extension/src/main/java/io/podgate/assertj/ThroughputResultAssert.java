package io.podgate.assertj;

import io.podgate.measure.ThroughputResult;
import java.util.Locale;
import org.assertj.core.api.AbstractAssert;

/** Assertions on one iperf3 run; every failure message quotes the run's figures. */
public class ThroughputResultAssert extends AbstractAssert<ThroughputResultAssert, ThroughputResult> {

  public ThroughputResultAssert(ThroughputResult actual) {
    super(actual, ThroughputResultAssert.class);
  }

  public ThroughputResultAssert hasReceiverThroughputAtLeastGbits(double gbits) {
    isNotNull();
    if (actual.receiverGbitsPerSecond() < gbits) {
      failWithMessage("Expected receiver throughput of at least %s Gbit/s but got %s Gbit/s.%n%s",
          fmt(gbits), fmt(actual.receiverGbitsPerSecond()), actual.summary());
    }
    return this;
  }

  public ThroughputResultAssert hasReceiverThroughputAtLeastMbits(double mbits) {
    return hasReceiverThroughputAtLeastGbits(mbits / 1000.0);
  }

  public ThroughputResultAssert hasReceiverThroughputAtMostGbits(double gbits) {
    isNotNull();
    if (actual.receiverGbitsPerSecond() > gbits) {
      failWithMessage("Expected receiver throughput of at most %s Gbit/s but got %s Gbit/s.%n%s",
          fmt(gbits), fmt(actual.receiverGbitsPerSecond()), actual.summary());
    }
    return this;
  }

  public ThroughputResultAssert hasSenderThroughputAtLeastGbits(double gbits) {
    isNotNull();
    if (actual.senderGbitsPerSecond() < gbits) {
      failWithMessage("Expected sender throughput of at least %s Gbit/s but got %s Gbit/s.%n%s",
          fmt(gbits), fmt(actual.senderGbitsPerSecond()), actual.summary());
    }
    return this;
  }

  /** Passes when the run's total retransmits are at most {@code max}. */
  public ThroughputResultAssert hasNoRetransmitsAbove(long max) {
    isNotNull();
    if (actual.retransmits() > max) {
      failWithMessage("Expected at most %d retransmits but the sender reported %d.%n%s",
          max, actual.retransmits(), actual.summary());
    }
    return this;
  }

  /** Every interval not omitted by {@code -O} reaches {@code gbits}: no stall in the middle of the run. */
  public ThroughputResultAssert hasNoIntervalBelowGbits(double gbits) {
    isNotNull();
    for (ThroughputResult.Interval i : actual.intervals()) {
      if (!i.omitted() && i.bitsPerSecond() / 1e9 < gbits) {
        failWithMessage("Expected every interval at %s Gbit/s or more but %.2f-%.2f s ran at %s Gbit/s.%n%s",
            fmt(gbits), i.start(), i.end(), fmt(i.bitsPerSecond() / 1e9), actual.summary());
      }
    }
    return this;
  }

  public ThroughputResultAssert usedMss(int mss) {
    isNotNull();
    if (actual.mss().isEmpty() || actual.mss().getAsInt() != mss) {
      failWithMessage("Expected MSS %d but iperf3 reported %s.%n%s", mss,
          actual.mss().isPresent() ? actual.mss().getAsInt() : "none", actual.summary());
    }
    return this;
  }

  public ThroughputResultAssert hasStreams(int streams) {
    isNotNull();
    if (actual.streams() != streams) {
      failWithMessage("Expected %d parallel streams but the run had %d.%n%s", streams, actual.streams(),
          actual.summary());
    }
    return this;
  }

  public ThroughputResultAssert hasLabel(String label) {
    isNotNull();
    if (!actual.label().equals(label)) {
      failWithMessage("Expected a result labelled \"%s\" but it is \"%s\".", label, actual.label());
    }
    return this;
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
