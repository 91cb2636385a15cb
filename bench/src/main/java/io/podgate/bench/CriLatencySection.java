package io.podgate.bench;

import io.podgate.measure.MetricDirection;
import java.util.Optional;

/** Section 1: each CRI call of a pod's life, against a crictl-equivalent measured in this run. */
final class CriLatencySection {
  private CriLatencySection() {}

  static void run(SeedRun run) {
    int reps = run.sizes().criReps();
    run.log.line(reps + " pods, each through all seven CRI calls, after one unrecorded warm-up pod");
    Optional<java.nio.file.Path> containerdLog = run.daemon.containerdLog();
    CriLatencyBenchmark.Result r = containerdLog.isPresent()
        ? new CriLatencyBenchmark().run(run.daemon.cri(), reps, containerdLog.get(), run.daemon.socket())
        : new CriLatencyBenchmark().run(run.daemon.cri(), reps);
    run.log.block("Pod lifecycle timings: " + r.table()
        + (r.hasSameRunPeer() ? "" : "(no same-run peer: this runtime's log cannot be read, so these figures have"
        + " no target)\n"));
    run.testReport().criLatency("CRI per-operation latency", r.samples());
    for (CriLatencyBenchmark.OperationFigures o : r.operations()) {
      if (o.hasSameRunPeer()) {
        run.target(SeedBenchmark.criSameRunTarget(o.operation()), SeedRun.round2(o.sameRunRatio()), 1.0,
            SeedBenchmark.RATIO, MetricDirection.LOWER_IS_BETTER);
      }
    }
  }
}
