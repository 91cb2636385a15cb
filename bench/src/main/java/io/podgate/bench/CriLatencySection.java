package io.podgate.bench;

import io.podgate.measure.MetricDirection;
import java.util.Optional;

/** Section 1: each CRI call of a pod's life, against crictl's reference and containerd's own time. */
final class CriLatencySection {
  private CriLatencySection() {}

  static void run(SeedRun run) {
    int reps = run.sizes().criReps();
    run.log.line(reps + " pods, each through all seven CRI calls, after one unrecorded warm-up pod");
    Optional<java.nio.file.Path> containerdLog = run.daemon.containerdLog();
    CriLatencyBenchmark.Result r = containerdLog.isPresent()
        ? new CriLatencyBenchmark().run(run.cri(), reps, containerdLog.get(), run.daemon.socket())
        : new CriLatencyBenchmark().run(run.cri(), reps);
    run.log.block("Pod lifecycle timings: " + r.table()
        + (r.hasSameRunPeer() ? "" : "(crictl is not packaged in Debian 12: its figures are the reference measured"
        + " on this machine)\n"));
    run.recorder.criLatency(SeedBenchmark.TEST_ID, "CRI per-operation latency", r.samples());
    for (CriLatencyBenchmark.OperationFigures o : r.operations()) {
      run.target(SeedBenchmark.criTarget(o.operation()), o.medianMillis(), o.referenceMillis(), "ms",
          MetricDirection.LOWER_IS_BETTER);
      if (o.hasSameRunPeer()) {
        run.target(SeedBenchmark.criSameRunTarget(o.operation()), o.medianMillis(),
            SeedRun.round2(o.crictlEquivalentMillis()), "ms", MetricDirection.LOWER_IS_BETTER);
      }
    }
  }
}
