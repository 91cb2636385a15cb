package io.podgate.assertj;

import io.podgate.measure.ComparisonResult;
import io.podgate.measure.MetricDirection;
import io.podgate.measure.ThroughputResult;
import io.podgate.measure.Verdict;
import static io.podgate.assertj.PodgateAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podgate.internal.measure.iperf.Iperf3JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class PodgateAssertionsTest {

  private static ThroughputResult loopbackRun() throws IOException {
    try (InputStream in = PodgateAssertionsTest.class.getResourceAsStream("/iperf3/client-loopback-M1448-t2.json")) {
      return Iperf3JsonParser.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "loopback -M 1448");
    }
  }

  /** Median 5 %, interval [1 %, 20 %] over six rounds. */
  private static ComparisonResult wideInterval() {
    return new ComparisonResult("base", "subj", MetricDirection.HIGHER_IS_BETTER,
        List.of(100.0, 100.0, 100.0, 100.0, 100.0, 100.0), List.of(99.0, 96.0, 95.0, 95.0, 94.0, 80.0),
        List.of(0.01, 0.04, 0.05, 0.05, 0.06, 0.20), 0.05, 0.01, 0.20, 0.96875, 0.95, OptionalDouble.empty(), 6,
        Verdict.UNGATED, "plain comparison of 6 rounds");
  }

  @Test
  void throughputAssertionsPassOnTheRealFiguresAndFailWithThem() throws IOException {
    ThroughputResult r = loopbackRun(); // receiver 8.084 Gbit/s, 11064 retransmits, MSS 1448
    assertThat(r).hasReceiverThroughputAtLeastGbits(8.0).hasSenderThroughputAtLeastGbits(8.1)
        .hasNoRetransmitsAbove(11064).usedMss(1448).hasStreams(1).hasLabel("loopback -M 1448");

    assertThatThrownBy(() -> assertThat(r).hasReceiverThroughputAtLeastGbits(9))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("at least 9.000 Gbit/s but got 8.084 Gbit/s")
        .hasMessageContaining("127.0.0.1:5291");
    assertThatThrownBy(() -> assertThat(r).hasNoRetransmitsAbove(100))
        .hasMessageContaining("at most 100 retransmits but the sender reported 11064");
    assertThatThrownBy(() -> assertThat(r).hasNoIntervalBelowGbits(7))
        .hasMessageContaining("0.00-1.00 s ran at 6.403 Gbit/s");
  }

  @Test
  void overheadAtMostUsesTheUpperEndOfTheIntervalNotTheMedian() {
    ComparisonResult r = wideInterval();
    assertThat(r).hasMedianOverheadAtMostPercent(15).hasOverheadAtMostPercent(20);
    assertThatThrownBy(() -> assertThat(r).hasOverheadAtMostPercent(15))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("interval is [1.00%, 20.00%]")
        .hasMessageContaining("median overhead 5.00%")
        .hasMessageContaining("80.0000");
    assertThatThrownBy(() -> assertThat(r).passed())
        .hasMessageContaining("Expected verdict PASS but got UNGATED");
  }
}
