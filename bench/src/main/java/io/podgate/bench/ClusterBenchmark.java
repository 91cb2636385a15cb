package io.podgate.bench;

import io.podgate.internal.backend.BackendLease;
import io.podgate.internal.backend.PodBackend;
import io.podgate.internal.backend.PodBackends;
import io.podgate.measure.ChurnResult;
import io.podgate.measure.Measure;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The seed's tables measured on pods of a Kubernetes cluster podgate starts on this machine (backend
 * {@code local-cluster}, acquired through {@link PodBackends} like a test's): throughput (loopback vs host->pod
 * and pod->pod), HTTP (host nginx vs pod nginx), podgate vs wrk, and churn as pod churn through the API with
 * kube-burner's pod-latency quantiles. The bench JVM on the host reaches the pods' IPs directly (path
 * {@value #PATH}); every network figure's label says so. CRI-only sections are skipped with their reason.
 * Writes summary.json (targets: ratios to same-run peers only) and index.html; the cluster, its containerd and
 * every pod are gone when it returns.
 */
public final class ClusterBenchmark {
  public static final String BACKEND = "local-cluster";
  /** How the bench reaches the pods: their pod IPs, from the host. */
  public static final String PATH = "pod-ip";
  public static final Path DEFAULT_REPORT_DIR = Path.of("target", "podgate-bench-cluster");
  static final String TEST_ID = SeedBenchmark.TEST_ID;
  static final String SKIPPED_CRI_LATENCY = "1. Pod lifecycle timings: skipped on " + BACKEND + ": per-call CRI latency"
      + " needs raw CRI access to the node's runtime, which its kubelet owns (pod timings: the churn table's"
      + " pod-latency quantiles)";
  static final String SKIPPED_CRI_CHURN = "CRI and containerd churn paths skipped on " + BACKEND + ": the kubelet stops"
      + " containers it did not make; churn on a cluster is pod churn through the API (POD_API)";

  /** Everything one run needs; {@code nodeIp} null keeps the backend's default. */
  public record Settings(String mode, SeedBenchmark.Sizes sizes, String bridge, String subnet, String nodeIp,
      Path workDir, Path reportDir) {}

  private final Settings settings;
  private final BenchProgress log;
  private final BenchReport report = new BenchReport(TEST_ID);
  private final Sections sections;
  private final String runId = "seed-" + UUID.randomUUID().toString().substring(0, 8);

  private ClusterBenchmark(Settings settings, BenchProgress log) {
    this.settings = settings;
    this.log = log;
    this.sections = new Sections(log);
  }

  /** Runs every section on a new local cluster and writes the report; section failures are in the outcome. */
  public static SeedBenchmark.Outcome run(Settings settings, PrintStream out) {
    try (BenchProgress log = new BenchProgress(out)) {
      return new ClusterBenchmark(settings, log).runAll();
    }
  }

  private SeedBenchmark.Outcome runAll() {
    Instant started = Instant.now();
    Path work = BenchRuns.createWorkDir(settings.workDir(), "cluster-");
    log.line(String.format(Locale.ROOT, "podgate seed benchmark on %s (%s) run %s, work dir %s", BACKEND,
        settings.mode(), runId, work));
    Map<String, String> saved = setProperties(work);
    try {
      onCluster(work);
    } catch (RuntimeException e) {
      sections.setupFailed("!! the benchmark could not run on " + BACKEND + ": " + e.getMessage(), e);
    } finally {
      log.endStep();
      restoreProperties(saved);
      BenchRuns.deleteWorkDir(work);
    }
    SeedBenchmark.requireWrkTargets(report);
    BenchReport.Written w = BenchRuns.finish(log, sections, report, "Targets (ratios to same-run peers)",
        "SeedBenchmark on " + BACKEND + " (" + settings.mode() + ")", settings.reportDir(), runId, started);
    return new SeedBenchmark.Outcome(w.summary(), w.index(), sections.failed(), Math.max(sections.count(), 1));
  }

  /** The backend, bridge, subnet, node address and work directory the session reads; runtime reuse off. */
  private Map<String, String> setProperties(Path work) {
    Map<String, String> want = new LinkedHashMap<>();
    want.put(PodBackends.PROPERTY, BACKEND);
    want.put(BenchDaemon.BRIDGE_PROPERTY, settings.bridge());
    want.put(BenchDaemon.SUBNET_PROPERTY, settings.subnet());
    if (System.getProperty(BenchDaemon.WORKDIR_PROPERTY) == null) {
      want.put(BenchDaemon.WORKDIR_PROPERTY, settings.workDir().toString()); // short: containerd's socket paths live under it
    }
    // the bench leaves the host as it found it: no containerd kept for a next run
    want.put(UserWaitBenchmark.REUSE_PROPERTY, "false");
    if (settings.nodeIp() != null) {
      want.put("podgate.localCluster.nodeIp", settings.nodeIp());
    }
    Map<String, String> saved = new LinkedHashMap<>();
    want.forEach((k, v) -> {
      saved.put(k, System.getProperty(k));
      System.setProperty(k, v);
    });
    return saved;
  }

  private static void restoreProperties(Map<String, String> saved) {
    saved.forEach((k, v) -> {
      if (v == null) {
        System.clearProperty(k);
      } else {
        System.setProperty(k, v);
      }
    });
  }

  private void onCluster(Path work) {
    log.step("starting the local cluster (etcd, control plane, a kubelet on podgate's containerd)");
    try (BackendLease lease = PodBackends.acquire()) {
      PodBackend backend = lease.backend();
      log.line("backend: " + backend.describe());
      log.line("path: " + PATH + " (this JVM on the host reaches each pod's IP on the node's pod bridge directly)");
      log.endStep();
      SeedRun run = new SeedRun(new SeedBenchmark.Settings(settings.mode(), settings.sizes(), null, settings.bridge(),
          settings.subnet(), settings.workDir(), settings.reportDir()), log, report, sections, runId, work, null,
          backend, p -> log.line(String.format(Locale.ROOT, "pod %s (%s) on %s, %s", p.name(), p.ip(), BACKEND, PATH)));
      log.line(SKIPPED_CRI_LATENCY);
      sections.run("2. Churn rate, pods through the API", () -> churn(run));
      sections.run("3. Throughput, iperf3", () -> ThroughputSection.run(run, " (" + PATH + ")"));
      sections.run("4/5. nginx on the host and in a pod", () -> {
        try (WebServers web = WebServers.start(run, true, " (" + PATH + ")")) {
          sections.run("4. HTTP baseline vs pod", () -> HttpSection.run(run, web));
          sections.run("5. podgate vs wrk", () -> WrkSection.run(run, web));
        }
      });
      log.step("stopping the local cluster");
    }
    log.line("local cluster stopped: its pods, kubelet, control plane and containerd are gone");
  }

  /** Pod churn through the API with 2 (and 10) workers, with kube-burner's pod-latency quantiles. */
  private void churn(SeedRun run) {
    log.line(SKIPPED_CRI_CHURN);
    List<ChurnResult> results = new ArrayList<>();
    // the runs are recorded below, with their quantiles in the headline; Measure's own record goes to a scratch report
    try (BenchMeasure bench = run.measure(BenchReport.scratch())) {
      Measure measure = bench.measure();
      results.add(measure.churn().workers(2).seconds(run.sizes().churnSeconds()).run());
      if (run.sizes().churn10Seconds() > 0) {
        try {
          results.add(measure.churn().workers(10).seconds(run.sizes().churn10Seconds()).run());
        } catch (RuntimeException e) {
          run.partFailed("2. Churn rate, 10 workers", "pod churn with 10 workers", e);
        }
      }
    }
    results.forEach(r -> report.churn("pod churn through the API, " + r.workers() + " workers", r,
        Map.of("podLatencyMs", podLatencyMs(r))));
    log.block(churnTable(results));
  }

  /** kube-burner's quantiles of {@code r}: condition to {@code p50}, {@code p95}, {@code p99}, {@code max}, in ms. */
  static Map<String, Object> podLatencyMs(ChurnResult r) {
    Map<String, Object> quantiles = new LinkedHashMap<>();
    for (ChurnResult.PodLatency l : r.podLatencies().values()) {
      Map<String, Object> q = new LinkedHashMap<>();
      q.put("p50", l.p50Millis());
      q.put("p95", l.p95Millis());
      q.put("p99", l.p99Millis());
      q.put("max", l.maxMillis());
      quantiles.put(l.condition(), q);
    }
    return quantiles;
  }

  /** The churn table (one row per run) and the pod-latency quantiles per condition, in ms. */
  static String churnTable(List<ChurnResult> results) {
    StringBuilder t = new StringBuilder(String.format(Locale.ROOT,
        "Churn rate: pods through the Kubernetes API (create, Ready, delete, gone), busybox, one container;"
            + " no same-run peer on a cluster, so no target%n"));
    t.append(String.format(Locale.ROOT, "%-8s %-8s %8s %7s %9s %9s%n", "path", "workers", "seconds", "cycles",
        "pods/s", "failures"));
    for (ChurnResult r : results) {
      t.append(String.format(Locale.ROOT, "%-8s %-8d %8.1f %7d %9.2f %9d%n", r.path(), r.workers(),
          r.elapsed().toMillis() / 1000.0, r.cycles(), r.cyclesPerSecond(), r.failures()));
      r.failureMessages().forEach(m -> t.append("   failure: ").append(m).append('\n'));
    }
    t.append(String.format(Locale.ROOT, "%nPod latency (kube-burner podLatency: create request to the watch event"
        + " showing the condition True), ms, informative%n"));
    t.append(String.format(Locale.ROOT, "%-8s %-16s %6s %8s %8s %8s %8s%n", "workers", "condition", "pods", "P50",
        "P95", "P99", "max"));
    for (ChurnResult r : results) {
      for (ChurnResult.PodLatency l : r.podLatencies().values()) {
        t.append(String.format(Locale.ROOT, "%-8d %-16s %6d %8.0f %8.0f %8.0f %8.0f%n", r.workers(), l.condition(),
            l.count(), l.p50Millis(), l.p95Millis(), l.p99Millis(), l.maxMillis()));
      }
    }
    return t.toString();
  }

  /**
   * {@code [--quick] [--work-dir DIR] [--report-dir DIR]} ({@code --socket} is refused); bridge and subnet of the node's containerd from
   * -Dpodgate.bridge / -Dpodgate.subnet or PODGATE_BRIDGE / PODGATE_SUBNET, the node's address from
   * -Dpodgate.localCluster.nodeIp or PODGATE_LOCAL_CLUSTER_NODE_IP. The last line printed is the summary's path;
   * exit status 0 whenever it ran, 1 when it could not run at all.
   */
  public static void main(String[] args) {
    if (BenchDaemon.arg(args, "--socket", null) != null) {
      System.out.println("cluster benchmark: --socket does not apply to " + BACKEND + ", whose kubelet runs on"
          + " podgate's own embedded containerd; drop --socket (or drop --backend to bench that containerd)");
      System.exit(2);
    }
    boolean quick = BenchDaemon.flag(args, "--quick");
    Settings s = new Settings(quick ? "quick" : "full", quick ? SeedBenchmark.Sizes.quick() : SeedBenchmark.Sizes.full(),
        SeedBenchmark.setting(BenchDaemon.BRIDGE_PROPERTY, "PODGATE_BRIDGE", BenchDaemon.DEFAULT_BRIDGE),
        SeedBenchmark.setting(BenchDaemon.SUBNET_PROPERTY, "PODGATE_SUBNET", BenchDaemon.DEFAULT_SUBNET),
        SeedBenchmark.setting("podgate.localCluster.nodeIp", "PODGATE_LOCAL_CLUSTER_NODE_IP", null),
        Path.of(BenchDaemon.arg(args, "--work-dir", System.getProperty("java.io.tmpdir"))),
        Path.of(BenchDaemon.arg(args, "--report-dir", DEFAULT_REPORT_DIR.toString())));
    int status;
    try {
      SeedBenchmark.Outcome o = run(s, System.out);
      System.out.println(o.summary());
      status = o.ranAtAll() ? 0 : 1;
    } catch (RuntimeException e) {
      System.out.println("cluster benchmark could not run: " + e.getMessage());
      e.printStackTrace(System.out);
      status = 1;
    }
    System.out.flush();
    System.exit(status);
  }
}
