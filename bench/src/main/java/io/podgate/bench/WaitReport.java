package io.podgate.bench;

import io.podgate.internal.report.ReportEntry;
import io.podgate.internal.report.ReportTarget;
import io.podgate.measure.MetricDirection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

import static io.podgate.bench.UserWaitBenchmark.CPU_DAEMONS;
import static io.podgate.bench.UserWaitBenchmark.CPU_MACHINE;
import static io.podgate.bench.UserWaitBenchmark.CPU_REST;
import static io.podgate.bench.UserWaitBenchmark.CPU_SHIMS;
import static io.podgate.bench.UserWaitBenchmark.CPU_TEST_JVM;
import static io.podgate.bench.UserWaitBenchmark.LABELS;
import static io.podgate.bench.UserWaitBenchmark.MVN_CLASS;
import static io.podgate.bench.UserWaitBenchmark.MVN_WALL;
import static io.podgate.bench.UserWaitBenchmark.OWN_END;
import static io.podgate.bench.UserWaitBenchmark.OWN_PROCESS;
import static io.podgate.bench.UserWaitBenchmark.OWN_READY;
import static io.podgate.bench.UserWaitBenchmark.OWN_RETURNED;
import static io.podgate.bench.UserWaitBenchmark.OWN_TORN_DOWN;
import static io.podgate.bench.UserWaitBenchmark.PER_METHOD;
import static io.podgate.bench.UserWaitBenchmark.PER_METHOD_MS_TARGET;
import static io.podgate.bench.UserWaitBenchmark.PODGATE;
import static io.podgate.bench.UserWaitBenchmark.RATIO_TARGETS;
import static io.podgate.bench.UserWaitBenchmark.RUNTIME_REUSED;
import static io.podgate.bench.UserWaitBenchmark.SUITE_READY;
import static io.podgate.bench.UserWaitBenchmark.SUITE_TORN_DOWN;
import static io.podgate.bench.UserWaitBenchmark.TARGET_MVN;
import static io.podgate.bench.UserWaitBenchmark.TARGET_OWN_RUN;
import static io.podgate.bench.UserWaitBenchmark.TARGET_PER_METHOD;
import static io.podgate.bench.UserWaitBenchmark.TARGET_PER_METHOD_MS;
import static io.podgate.bench.UserWaitBenchmark.TARGET_SUITE;
import static io.podgate.bench.UserWaitBenchmark.TESTCONTAINERS;

/** The wait section's figures as targets, a report entry (kind user-wait) and the printed table. */
final class WaitReport {
  private final UserWaitBenchmark.Settings s;
  private final WaitStats stats;
  private final String reuseMode;
  private final boolean runtimeOutlived;

  WaitReport(UserWaitBenchmark.Settings s, WaitStats stats, String reuseMode, boolean runtimeOutlived) {
    this.s = s;
    this.stats = stats;
    this.reuseMode = reuseMode;
    this.runtimeOutlived = runtimeOutlived;
  }

  List<ReportTarget> targets() {
    List<ReportTarget> t = new ArrayList<>();
    if (s.tools().contains(TESTCONTAINERS)) {
      t.add(ratioTarget(TARGET_OWN_RUN, OWN_END));
      t.add(ratioTarget(TARGET_SUITE, SUITE_TORN_DOWN));
      t.add(ratioTarget(TARGET_PER_METHOD, PER_METHOD));
      t.add(ratioTarget(TARGET_MVN, MVN_WALL));
    }
    t.add(new ReportTarget(TARGET_PER_METHOD_MS, stats.median(PODGATE, PER_METHOD).orElse(Double.NaN),
        PER_METHOD_MS_TARGET, "ms", MetricDirection.LOWER_IS_BETTER));
    return t;
  }

  private ReportTarget ratioTarget(String name, String metric) {
    return new ReportTarget(name, stats.ratio(PODGATE, TESTCONTAINERS, metric).orElse(Double.NaN),
        RATIO_TARGETS.get(metric), "ratio", MetricDirection.LOWER_IS_BETTER);
  }

  ReportEntry entry() {
    Map<String, Object> headline = new LinkedHashMap<>();
    headline.put("podgateRuntimeReuse", reuseMode);
    headline.put("podgateRuntimeOutlivedTestJvm", runtimeOutlived);
    headline.put("rounds", s.rounds());
    headline.put("peers", s.tools().contains(TESTCONTAINERS) ? TESTCONTAINERS : "none");
    if (s.tools().contains(TESTCONTAINERS)) {
      headline.put("testcontainersRyuk", "disabled: its image cannot be pulled here");
      headline.put("testcontainersWait", "HTTP poll every 10 ms (FastHttpWait)");
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    for (String tool : s.tools()) {
      Map<String, Object> medians = new LinkedHashMap<>();
      Map<String, Object> rounds = new LinkedHashMap<>();
      Map<String, Object> warm = new LinkedHashMap<>();
      for (String m : stats.metrics(tool)) {
        stats.median(tool, m).ifPresent(v -> medians.put(m, round1(v)));
        rounds.put(m, stats.values(tool, m).stream().map(WaitReport::round1).toList());
        if (!stats.warmup(tool, m).isEmpty()) {
          warm.put(m, round1(stats.warmup(tool, m).get(0)));
        }
      }
      headline.put(tool + "MedianMs", medians);
      figures.put(tool + "RoundsMs", rounds);
      figures.put(tool + "WarmupMs", warm);
    }
    if (s.tools().contains(TESTCONTAINERS)) {
      Map<String, Object> ratios = new LinkedHashMap<>();
      for (String m : LABELS.keySet()) {
        stats.ratio(PODGATE, TESTCONTAINERS, m).ifPresent(v -> ratios.put(m, Math.round(v * 100) / 100.0));
      }
      headline.put("ratioPodgateToTestcontainers", ratios);
    }
    figures.put("labels", LABELS);
    return BenchReport.userWaitEntry("time a user waits, podgate runtime reuse: " + reuseMode
        + (s.tools().contains(TESTCONTAINERS) ? ", against Testcontainers 2.0.5 (no Ryuk)" : ""), headline, figures);
  }

  String table(List<ReportTarget> targets) {
    boolean peer = s.tools().contains(TESTCONTAINERS);
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
        "Time a user waits: medians of %d round(s), ms; podgate runtime reuse: %s%s%n", s.rounds(), reuseMode,
        peer ? "; Testcontainers 2.0.5 on docker.io with a 10 ms HTTP wait, WITHOUT Ryuk (its image cannot be pulled here)"
            : ""));
    b.append(String.format(Locale.ROOT, "%-70s %9s %9s %7s %9s%n", "scenario", "podgate", peer ? "Testcont." : "",
        peer ? "ratio" : "", "target"));
    for (String m : List.of(OWN_READY, OWN_TORN_DOWN, OWN_RETURNED, OWN_END, OWN_PROCESS, SUITE_READY,
        SUITE_TORN_DOWN, PER_METHOD, MVN_WALL, MVN_CLASS)) {
      String target = "";
      if (RATIO_TARGETS.containsKey(m)) {
        target = peer ? "<= " + RATIO_TARGETS.get(m) : "";
      }
      if (m.equals(PER_METHOD)) {
        target = (peer ? target + ", " : "") + "<" + (int) PER_METHOD_MS_TARGET + " ms";
      }
      b.append(String.format(Locale.ROOT, "%-70s %9s %9s %7s %9s%n", LABELS.get(m), fmt(stats.median(PODGATE, m)),
          peer ? fmt(stats.median(TESTCONTAINERS, m)) : "",
          peer ? stats.ratio(PODGATE, TESTCONTAINERS, m).stream().mapToObj(v -> String.format(Locale.ROOT, "%.2f", v))
              .findFirst().orElse("-") : "", target));
    }
    b.append("Where the per-method time goes: CPU per method, ms (2 cores give at most 2 ms of CPU per ms)\n");
    for (String m : List.of(CPU_MACHINE, CPU_TEST_JVM, CPU_DAEMONS, CPU_SHIMS, CPU_REST)) {
      b.append(String.format(Locale.ROOT, "%-70s %9s %9s%n", LABELS.get(m), fmt(stats.median(PODGATE, m)),
          peer ? fmt(stats.median(TESTCONTAINERS, m)) : ""));
    }
    b.append("podgate's phases, the class in its own run:\n");
    for (String m : LABELS.keySet()) {
      if (m.startsWith("phase") || m.startsWith("containerd") || m.startsWith("runtimeStart") || m.equals(RUNTIME_REUSED)
          || m.startsWith("suitePhase") || m.startsWith("methodPhase") || m.equals("methodsAhead")) {
        String v = m.equals(RUNTIME_REUSED) ? stats.values(PODGATE, m).size() + " of " + s.rounds()
            : fmt(stats.median(PODGATE, m));
        boolean splitOfAStart = m.equals("runtimeStartBeforeExec") || m.equals("containerdBoot")
            || m.equals("runtimeStartAfterBoot");
        boolean empty = stats.values(PODGATE, m).isEmpty();
        if (!((m.equals(RUNTIME_REUSED) || splitOfAStart) && empty)) { // a reused runtime has no start to split
          b.append(String.format(Locale.ROOT, "  %-84s %7s%n", LABELS.get(m), v));
        }
      }
    }
    if (peer) {
      b.append("Docker's own times for Testcontainers' containers (docker events):\n");
      for (String m : LABELS.keySet()) {
        if (m.startsWith("docker")) {
          b.append(String.format(Locale.ROOT, "  %-84s %7s%n", LABELS.get(m), fmt(stats.median(TESTCONTAINERS, m))));
        }
      }
    }
    b.append("Targets\n");
    for (ReportTarget t : targets) {
      b.append(String.format(Locale.ROOT, "  %-84s %7s %s %-5s %s%n", t.name(),
          Double.isFinite(t.value()) ? String.format(Locale.ROOT, "%.2f", t.value()) : "-",
          "<= " + t.target(), t.unit(), t.verdict()));
    }
    b.append("podgate's runtime outlived the test JVM: ").append(runtimeOutlived ? "yes" : "no").append('\n');
    return b.toString();
  }

  private static String fmt(OptionalDouble v) {
    return v.isPresent() ? String.format(Locale.ROOT, "%.0f", v.getAsDouble()) : "-";
  }

  private static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
