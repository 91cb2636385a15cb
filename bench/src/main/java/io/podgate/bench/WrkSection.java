package io.podgate.bench;

import io.podgate.measure.MetricDirection;
import java.util.Locale;

/** Section 5: podgate's load generator against wrk on the pod's nginx. */
final class WrkSection {
  private WrkSection() {}

  static void run(SeedRun run, WebTargets web) {
    int seconds = run.sizes().wrkSeconds();
    run.log.line(String.format(Locale.ROOT, "podgate vs wrk: %d rounds against the pod's nginx %s%s, %d s each",
        run.sizes().wrkRounds(), web.podUrl(), web.podPath(), seconds));
    HttpVsWrk.Comparison c = HttpVsWrk.compare(web.podUrl(), SeedBenchmark.HTTP_CONNECTIONS, seconds,
        run.sizes().wrkRounds(), WrkRunner.onPath(), line -> run.log.line("   " + line));
    run.log.block(c.toTable() + String.format(Locale.ROOT,
        "ratio target >= %.2f; latency agreement within %.0f %% is informative%n", SeedBenchmark.WRK_RATIO_TARGET,
        SeedBenchmark.LATENCY_AGREEMENT_PERCENT));
    run.target(SeedBenchmark.TARGET_WRK_RATIO, c.ratio(), SeedBenchmark.WRK_RATIO_TARGET, "ratio",
        MetricDirection.HIGHER_IS_BETTER);
    run.target(SeedBenchmark.TARGET_WRK_P50, 100 * Math.abs(c.latencyRelativeDifference().get("p50")),
        SeedBenchmark.LATENCY_AGREEMENT_PERCENT, "% difference", MetricDirection.LOWER_IS_BETTER);
    run.target(SeedBenchmark.TARGET_WRK_P99, 100 * Math.abs(c.latencyRelativeDifference().get("p99")),
        SeedBenchmark.LATENCY_AGREEMENT_PERCENT, "% difference", MetricDirection.LOWER_IS_BETTER);
  }
}
