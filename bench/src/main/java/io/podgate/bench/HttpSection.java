package io.podgate.bench;

import io.podgate.measure.ComparisonResult;
import io.podgate.measure.HttpLoadResult;
import io.podgate.measure.Measure;
import io.podgate.measure.Measurement;
import io.podgate.measure.MetricDirection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * Section 4: podgate's HTTP load generator ({@link Measure#http}) against nginx on the host and nginx in a pod,
 * alternating rounds. The section records the median runs and the comparison itself.
 */
final class HttpSection {
  private HttpSection() {}

  static void run(SeedRun run, WebTargets web) {
    try (BenchMeasure quiet = new BenchMeasure(BenchReport.scratch(), line -> { });
        BenchMeasure measured = run.measure(BenchReport.scratch())) {
      run(run, web, quiet.measure(), measured.measure());
    }
  }

  private static void run(SeedRun run, WebTargets web, Measure quiet, Measure measured) {
    String podLabel = "pod nginx" + web.podPath();
    int seconds = run.sizes().httpSeconds();
    int connections = SeedBenchmark.HTTP_CONNECTIONS;
    run.log.line(String.format(Locale.ROOT, "HTTP: %d alternating rounds host %s / pod %s, %d connections, %d s per run",
        run.sizes().httpRounds(), web.hostUrl(), web.podUrl(), connections, seconds));
    for (String url : List.of(web.hostUrl(), web.podUrl())) {
      load(quiet, url, Math.min(2, seconds)); // JIT and connection warm-up, not recorded
    }
    List<HttpLoadResult> hostRuns = new ArrayList<>();
    List<HttpLoadResult> podRuns = new ArrayList<>();
    Measurement base = measurement(run, measured, hostRuns, "host nginx", web.hostUrl(), seconds);
    Measurement pod = measurement(run, measured, podRuns, podLabel, web.podUrl(), seconds);
    ComparisonResult c = SeedRun.compare(base, pod, run.sizes().httpRounds(), MetricDirection.HIGHER_IS_BETTER);
    HttpLoadResult hostShown = SeedRun.medianRun(hostRuns, HttpLoadResult::averageRequestsPerSecond);
    HttpLoadResult podShown = SeedRun.medianRun(podRuns, HttpLoadResult::averageRequestsPerSecond);
    StringBuilder t = new StringBuilder(String.format(Locale.ROOT,
        "HTTP, podgate load generator, %d connections, %d s per run, %d alternating rounds%n",
        connections, seconds, c.rounds()));
    t.append("Baseline: nginx on the host, ").append(web.hostUrl()).append(" (median run)\n")
        .append(hostShown.toConsoleTable());
    t.append("Subject: nginx in the pod").append(web.podPath()).append(", ").append(web.podUrl()).append(" (median run)\n")
        .append(podShown.toConsoleTable());
    t.append(String.format(Locale.ROOT, "%-12s %12s %12s %10s%n", "median", "host", "pod", "pod vs host"));
    t.append(row("req/s", hostRuns, podRuns, HttpLoadResult::averageRequestsPerSecond, "%12.0f"));
    t.append(row("p50 ms", hostRuns, podRuns, r -> r.latency().p50(), "%12.3f"));
    t.append(row("p97.5 ms", hostRuns, podRuns, r -> r.latency().p97_5(), "%12.3f"));
    t.append(row("p99 ms", hostRuns, podRuns, r -> r.latency().p99(), "%12.3f"));
    long errors = Stream.concat(hostRuns.stream(), podRuns.stream()).mapToLong(r -> r.errors() + r.non2xx()).sum();
    t.append(String.format(Locale.ROOT, "errors + non-2xx over all runs: %d%n", errors));
    t.append(SeedRun.overheadLine(podLabel + " req/s", c));
    run.log.block(t.toString());
    run.testReport().http("host nginx " + web.hostUrl(), hostShown);
    run.testReport().http(podLabel + " " + web.podUrl(), podShown);
    run.testReport().comparison(podLabel + " vs host nginx, req/s", c);
  }

  private static Measurement measurement(SeedRun run, Measure measure, List<HttpLoadResult> runs, String label,
      String url, int seconds) {
    return Measurement.named(label + " req/s (" + url + ")", () -> {
      HttpLoadResult r = load(measure, url, seconds);
      runs.add(r);
      run.log.line(String.format(Locale.ROOT, "   %-10s %8.0f req/s, p50 %.3f ms, p99 %.3f ms, errors %d", label,
          r.averageRequestsPerSecond(), r.latency().p50(), r.latency().p99(), r.errors()));
      return r.averageRequestsPerSecond();
    });
  }

  private static HttpLoadResult load(Measure measure, String url, int seconds) {
    return measure.http(url).connections(SeedBenchmark.HTTP_CONNECTIONS).seconds(seconds).run();
  }

  private static String row(String name, List<HttpLoadResult> host, List<HttpLoadResult> pod,
      ToDoubleFunction<HttpLoadResult> f, String format) {
    double h = SeedRun.median(host.stream().mapToDouble(f).toArray());
    double p = SeedRun.median(pod.stream().mapToDouble(f).toArray());
    return String.format(Locale.ROOT, "%-12s " + format + " " + format + " %+9.1f%%%n", name, h, p, 100 * (p - h) / h);
  }
}
