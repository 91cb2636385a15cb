package io.podgate.measure;

import io.podgate.internal.measure.compare.Percent;
import io.podgate.PodgateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One iperf3 run over a {@link Throughput} path ({@link #run()}), or paired rounds against a
 * baseline path ({@link #against}). Options apply to both sides; a baseline's own default MSS
 * (loopback's 1448) applies unless {@link #mss} sets one for both. Get it from
 * {@link Measure#throughput}.
 */
public final class ThroughputRun {
  private final Measure measure;
  private final Throughput subject;
  private ThroughputOptions options = ThroughputOptions.defaults();

  ThroughputRun(Measure measure, Throughput subject) {
    this.measure = measure;
    this.subject = subject;
  }

  /** Length of each iperf3 run (default 10 s). */
  public ThroughputRun durationSeconds(int seconds) {
    options = options.toBuilder().durationSeconds(seconds).build();
    return this;
  }

  /** Each run sends this many bytes (iperf3 -n) instead of lasting a duration: short runs, many rounds. */
  public ThroughputRun bytes(long bytes) {
    options = options.toBuilder().bytes(bytes).build();
    return this;
  }

  public ThroughputRun parallelStreams(int streams) {
    options = options.toBuilder().parallelStreams(streams).build();
    return this;
  }

  /** The server sends and the client receives (iperf3 -R). */
  public ThroughputRun reverse() {
    options = options.toBuilder().reverse(true).build();
    return this;
  }

  /** iperf3 -M for every run, baselines included. */
  public ThroughputRun mss(int mss) {
    options = options.toBuilder().mss(mss).build();
    return this;
  }

  /** Replaces all options at once. */
  public ThroughputRun options(ThroughputOptions options) {
    this.options = Objects.requireNonNull(options, "options");
    return this;
  }

  /** Runs iperf3 once; the result is recorded in the test's report. */
  public ThroughputResult run() {
    ThroughputResult r = measureOnce(subject, "", options);
    measure.report().throughput(r);
    return r;
  }

  /**
   * A gate on this path's receiver throughput against {@code baseline}'s, in alternating paired
   * rounds; set the threshold and rounds, then {@code check()} or {@code evaluate()}. The
   * comparison and the median run of each side are recorded in the test's report.
   */
  public OverheadGate against(Throughput baseline) {
    Objects.requireNonNull(baseline, "baseline");
    ThroughputOptions fixed = options;
    List<ThroughputResult> baseRuns = new ArrayList<>();
    List<ThroughputResult> subjectRuns = new ArrayList<>();
    String baseLabel = baseline.label(fixed) + " (baseline)";
    String subjectLabel = subject.label(fixed);
    Measurement base = Measurement.named(baseLabel + " receiver bit/s",
        () -> collect(baseRuns, baseline, " (baseline)", fixed));
    Measurement subj = Measurement.named(subjectLabel + " receiver bit/s",
        () -> collect(subjectRuns, subject, "", fixed));
    return Gates.overhead(base, subj).onResult(result -> {
      if (!baseRuns.isEmpty()) {
        measure.report().throughput(Measure.medianRun(baseRuns, ThroughputResult::receiverBitsPerSecond));
      }
      if (!subjectRuns.isEmpty()) {
        measure.report().throughput(Measure.medianRun(subjectRuns, ThroughputResult::receiverBitsPerSecond));
      }
      measure.report().comparison(subjectLabel + " vs " + baseLabel + ", receiver bit/s", result);
      measure.progress(String.format(Locale.ROOT, "%s vs %s: %s, median overhead %s, CI [%s, %s], %d rounds",
          subjectLabel, baseLabel, result.verdict(), Percent.of(result.medianOverhead()),
          Percent.of(result.ciLow()), Percent.of(result.ciHigh()), result.rounds()));
    });
  }

  private double collect(List<ThroughputResult> runs, Throughput path, String suffix, ThroughputOptions o) {
    ThroughputResult r = measureOnce(path, suffix, o);
    runs.add(r);
    return r.receiverBitsPerSecond();
  }

  private ThroughputResult measureOnce(Throughput path, String suffix, ThroughputOptions o) {
    String label = path.label(o) + suffix;
    Duration planned = o.bytes().isPresent() ? null : o.expectedLength();
    ThroughputResult r;
    try {
      r = measure.ticking("iperf3 " + label, planned, () -> measure.route(path.path()).measure(o).withLabel(label));
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new PodgateException("iperf3 over " + label + " failed: " + e.getMessage(), e);
    }
    measure.progress(String.format(Locale.ROOT, "iperf3 %s: %.3f Gbit/s received, %d retransmits, via %s", label,
        r.receiverGbitsPerSecond(), r.retransmits(), r.via()));
    return r;
  }
}
