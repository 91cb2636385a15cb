package io.podgate.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podgate.measure.ChurnOptions;
import io.podgate.measure.ChurnResult;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.cri.KubeletDefaults;
import io.podgate.internal.cri.v1.ContainerConfig;
import io.podgate.internal.cri.v1.ContainerMetadata;
import io.podgate.internal.cri.v1.ImageSpec;
import io.podgate.internal.cri.v1.PodSandboxConfig;
import io.podgate.internal.cri.v1.PodSandboxMetadata;
import io.podgate.internal.measure.churn.ChurnEngine;
import io.podgate.internal.measure.churn.LabelSweep;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Latency of each CRI call of a pod's life (RunPodSandbox ... RemovePodSandbox), repeated on fresh pods,
 * against a crictl-equivalent from the same run: containerd's own time for the call (its log) plus a Go
 * CLI's process start, dial and call ({@code ctr version}). crictl itself is not packaged in Debian 12;
 * its figures from an earlier day are printed as history, never as a target.
 */
public final class CriLatencyBenchmark {
  /** The seven calls, in a pod's order. */
  public static final List<String> OPERATIONS = List.of(ChurnResult.RUN_POD_SANDBOX, ChurnResult.CREATE_CONTAINER,
      ChurnResult.START_CONTAINER, ChurnResult.STOP_CONTAINER, ChurnResult.REMOVE_CONTAINER,
      ChurnResult.STOP_POD_SANDBOX, ChurnResult.REMOVE_POD_SANDBOX);
  /** History, not a target: crictl wall time per command on this kind of machine on 2026-11-28, median of 5, ms. */
  public static final Map<String, Double> CRICTL_REFERENCE_MILLIS = referenceMillis();
  public static final String RUN_LABEL = "io.podgate.bench/run";
  /** Like crictl stop's default timeout of 0: StopContainer kills at once. */
  static final Duration STOP_TIMEOUT = Duration.ZERO;

  private static Map<String, Double> referenceMillis() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put(ChurnResult.RUN_POD_SANDBOX, 216.0);
    m.put(ChurnResult.CREATE_CONTAINER, 40.0);
    m.put(ChurnResult.START_CONTAINER, 110.0);
    m.put(ChurnResult.STOP_CONTAINER, 100.0);
    m.put(ChurnResult.REMOVE_CONTAINER, 35.0);
    m.put(ChurnResult.STOP_POD_SANDBOX, 292.0);
    m.put(ChurnResult.REMOVE_POD_SANDBOX, 143.0);
    return java.util.Collections.unmodifiableMap(m);
  }

  /**
   * Figures of one operation over all repetitions. {@code historyMillis}: crictl's figure from 2026-11-28,
   * shown, never judged. {@code runtimeMillis}: containerd's own median time for the call, from its log;
   * {@code crictlEquivalentMillis}: that plus a command-line client's overhead measured in the same run.
   * Both NaN when unknown (a runtime whose log podgate cannot read): then there is no verdict.
   */
  public record OperationFigures(String operation, int samples, double medianMillis, double minMillis,
      double maxMillis, double historyMillis, double runtimeMillis, double crictlEquivalentMillis) {

    /** podgate median / crictl's figure from another day (history). */
    public double historyRatio() {
      return medianMillis / historyMillis;
    }

    public boolean hasSameRunPeer() {
      return !Double.isNaN(crictlEquivalentMillis);
    }

    /** podgate median / the same run's crictl-equivalent. */
    public double sameRunRatio() {
      return medianMillis / crictlEquivalentMillis;
    }

    public boolean passSameRun() {
      return hasSameRunPeer() && medianMillis <= crictlEquivalentMillis;
    }

    /** What podgate's client adds to containerd's own time, ms. */
    public double clientMillis() {
      return medianMillis - runtimeMillis;
    }
  }

  /** {@code samplesMillis}: every timed call per operation, in order (empty when built from figures only). */
  public record Result(int repetitions, String image, List<OperationFigures> operations,
      Map<String, List<Double>> samplesMillis, double cliOverheadMillis) {
    public Result {
      operations = List.copyOf(operations);
      Map<String, List<Double>> copy = new LinkedHashMap<>();
      samplesMillis.forEach((op, v) -> copy.put(op, List.copyOf(v)));
      samplesMillis = java.util.Collections.unmodifiableMap(copy);
    }

    public Result(int repetitions, String image, List<OperationFigures> operations) {
      this(repetitions, image, operations, Map.of(), Double.NaN);
    }

    public boolean hasSameRunPeer() {
      return operations.stream().allMatch(OperationFigures::hasSameRunPeer);
    }

    /** Every median at or below its same-run crictl-equivalent (false without that peer). */
    public boolean allPassSameRun() {
      return operations.stream().allMatch(OperationFigures::passSameRun);
    }

    /** The samples as durations, for {@code ReportRecorder.criLatency}. */
    public Map<String, List<Duration>> samples() {
      Map<String, List<Duration>> m = new LinkedHashMap<>();
      samplesMillis.forEach((op, v) -> m.put(op, v.stream().map(ms -> Duration.ofNanos(Math.round(ms * 1e6))).toList()));
      return m;
    }

    public OperationFigures operation(String name) {
      return operations.stream().filter(o -> o.operation().equals(name)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no figures for '" + name + "'; have "
              + operations.stream().map(OperationFigures::operation).toList()));
    }

    public String table() {
      StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
          "CRI latency, %d repetitions, image %s (ms; crictl figures include ~30 ms process start)%n",
          repetitions, image));
      if (hasSameRunPeer()) {
        s.append(String.format(Locale.ROOT, "containerd = the runtime's own time for the call, from its log; client ="
            + " podgate median - containerd; crictl~ = containerd + %.1f ms, the median wall time of `ctr version`"
            + " (a Go CLI: process start, dial, one call) in this run%n", cliOverheadMillis));
        s.append(String.format(Locale.ROOT, "%-18s %8s %8s %8s %10s %7s %8s %6s %5s   %7s%n", "operation",
            "median", "min", "max", "containerd", "client", "crictl~", "ratio", "", "crictl*"));
        for (OperationFigures o : operations) {
          s.append(String.format(Locale.ROOT, "%-18s %8.1f %8.1f %8.1f %10.1f %7.1f %8.1f %6.2f %5s   %7.1f%n",
              o.operation(), o.medianMillis(), o.minMillis(), o.maxMillis(), o.runtimeMillis(), o.clientMillis(),
              o.crictlEquivalentMillis(), o.sameRunRatio(), o.passSameRun() ? "PASS" : "FAIL", o.historyMillis()));
        }
        s.append("crictl* = crictl's figures on this kind of machine on 2026-11-28 (FACTS.md): history, not a target;"
            + " the verdict is the crictl~ column's\n");
        return s.toString();
      }
      s.append(String.format(Locale.ROOT, "%-18s %9s %9s %9s %9s %7s%n",
          "operation", "median", "min", "max", "crictl*", "ratio"));
      for (OperationFigures o : operations) {
        s.append(String.format(Locale.ROOT, "%-18s %9.1f %9.1f %9.1f %9.1f %7.2f%n", o.operation(),
            o.medianMillis(), o.minMillis(), o.maxMillis(), o.historyMillis(), o.historyRatio()));
      }
      s.append("crictl* = crictl's figures on this kind of machine on 2026-11-28: history; without a same-run peer"
          + " there is no verdict\n");
      return s.toString();
    }

    public String json() {
      ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      ObjectNode root = mapper.createObjectNode();
      root.put("benchmark", "cri-latency");
      root.put("repetitions", repetitions);
      root.put("image", image);
      root.put("history", "crictlHistoryMs: crictl wall time per command on 2026-11-28, median of 5, incl. ~30 ms process"
          + " start; not a target");
      if (hasSameRunPeer()) {
        root.put("cliOverheadMs", round(cliOverheadMillis));
        root.put("sameRunPeer", "containerd's own time per call (its log) + median wall time of `ctr version`");
      }
      ArrayNode ops = root.putArray("operations");
      for (OperationFigures o : operations) {
        ObjectNode n = ops.addObject();
        n.put("operation", o.operation());
        n.put("samples", o.samples());
        n.put("medianMs", round(o.medianMillis()));
        n.put("minMs", round(o.minMillis()));
        n.put("maxMs", round(o.maxMillis()));
        n.put("crictlHistoryMs", o.historyMillis());
        if (o.hasSameRunPeer()) {
          n.put("containerdMs", round(o.runtimeMillis()));
          n.put("clientMs", round(o.clientMillis()));
          n.put("crictlEquivalentMs", round(o.crictlEquivalentMillis()));
          n.put("sameRunRatio", round(o.sameRunRatio()));
          n.put("sameRunVerdict", o.passSameRun() ? "PASS" : "FAIL");
        }
      }
      try {
        return mapper.writeValueAsString(root);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException("cannot write benchmark JSON", e);
      }
    }
  }

  private final String image;
  private final List<String> command;

  public CriLatencyBenchmark() {
    this(ChurnOptions.DEFAULT_IMAGE, ChurnOptions.DEFAULT_COMMAND);
  }

  public CriLatencyBenchmark(String image, List<String> command) {
    this.image = image;
    this.command = List.copyOf(command);
  }

  /**
   * Imports {@code image} first when it is a missing podgate standard image. One unrecorded warm-up pod, then {@code repetitions} pods each timed through all seven calls. Every
   * pod and container it made is removed before it returns or throws.
   */
  public Result run(CriClient cri, int repetitions) {
    return run(cri, repetitions, null, null);
  }

  /**
   * As {@link #run(CriClient, int)}; with {@code containerdLog} and {@code socket} of the same daemon
   * it also reads containerd's own time for each call and times a command-line client on that socket,
   * for a crictl-equivalent figure from this same run.
   */
  public Result run(CriClient cri, int repetitions, Path containerdLog, Path socket) {
    if (repetitions < 1) {
      throw new IllegalArgumentException("CRI latency benchmark needs at least 1 repetition, got " + repetitions);
    }
    ChurnEngine.ensureStandardImage(cri, image);
    String runId = UUID.randomUUID().toString().substring(0, 8);
    Map<String, List<Double>> samples = new LinkedHashMap<>();
    OPERATIONS.forEach(op -> samples.put(op, new ArrayList<>()));
    List<RuntimeSideTimes.Call> calls = new ArrayList<>();
    try {
      for (int rep = -1; rep < repetitions; rep++) {
        repetition(cri, runId, rep, rep >= 0 ? samples : null, rep >= 0 ? calls : new ArrayList<>());
      }
    } finally {
      LabelSweep.removeAll(cri, RUN_LABEL, runId, "CRI latency benchmark " + runId);
    }
    Map<String, Double> runtime = new LinkedHashMap<>();
    double cli = Double.NaN;
    if (containerdLog != null && socket != null) {
      runtime = runtimeMedians(RuntimeSideTimes.read(containerdLog), calls);
      cli = CliClientOverhead.medianMillis(socket, 10).orElse(Double.NaN);
    }
    List<OperationFigures> figures = new ArrayList<>();
    for (Map.Entry<String, List<Double>> e : samples.entrySet()) {
      String op = e.getKey();
      double[] v = e.getValue().stream().mapToDouble(Double::doubleValue).sorted().toArray();
      double median = median(v);
      double server = runtime.getOrDefault(op, Double.NaN);
      figures.add(new OperationFigures(op, v.length, median, v[0], v[v.length - 1], CRICTL_REFERENCE_MILLIS.get(op),
          server, server + cli));
    }
    return new Result(repetitions, image, figures, samples, cli);
  }

  /** Median of containerd's own time per operation; an operation missing from the log for any call is left out. */
  static Map<String, Double> runtimeMedians(RuntimeSideTimes log, List<RuntimeSideTimes.Call> calls) {
    Map<String, List<Double>> byOp = new LinkedHashMap<>();
    Set<String> incomplete = new HashSet<>();
    for (RuntimeSideTimes.Call call : calls) {
      log.of(call).ifPresentOrElse(
          d -> byOp.computeIfAbsent(call.operation(), k -> new ArrayList<>()).add(d.toNanos() / 1e6),
          () -> incomplete.add(call.operation()));
    }
    Map<String, Double> medians = new LinkedHashMap<>();
    byOp.forEach((op, v) -> {
      if (!incomplete.contains(op)) {
        medians.put(op, median(v.stream().mapToDouble(Double::doubleValue).sorted().toArray()));
      }
    });
    return medians;
  }

  private void repetition(CriClient cri, String runId, int rep, Map<String, List<Double>> samples,
      List<RuntimeSideTimes.Call> calls) {
    String name = "bench-" + runId + "-" + (rep < 0 ? "warmup" : String.valueOf(rep));
    PodSandboxConfig pod = PodSandboxConfig.newBuilder()
        .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("podgate-bench")
            .setUid(UUID.randomUUID().toString()))
        .setHostname(name)
        .putLabels(RUN_LABEL, runId)
        .build();
    ContainerConfig container = ContainerConfig.newBuilder()
        .setMetadata(ContainerMetadata.newBuilder().setName(name))
        .setImage(ImageSpec.newBuilder().setImage(image))
        .addAllCommand(command)
        .putLabels(RUN_LABEL, runId)
        .setLinux(KubeletDefaults.ownPidNamespace())
        .build();
    String podId = timed(samples, ChurnResult.RUN_POD_SANDBOX, () -> cri.runPodSandbox(pod));
    String id = timed(samples, ChurnResult.CREATE_CONTAINER, () -> cri.createContainer(podId, container, pod));
    calls.add(new RuntimeSideTimes.Call(ChurnResult.RUN_POD_SANDBOX, "Name:" + name + ","));
    calls.add(new RuntimeSideTimes.Call(ChurnResult.CREATE_CONTAINER, podId));
    for (String op : List.of(ChurnResult.START_CONTAINER, ChurnResult.STOP_CONTAINER, ChurnResult.REMOVE_CONTAINER)) {
      calls.add(new RuntimeSideTimes.Call(op, id));
    }
    for (String op : List.of(ChurnResult.STOP_POD_SANDBOX, ChurnResult.REMOVE_POD_SANDBOX)) {
      calls.add(new RuntimeSideTimes.Call(op, podId));
    }
    timed(samples, ChurnResult.START_CONTAINER, () -> cri.startContainer(id));
    timed(samples, ChurnResult.STOP_CONTAINER, () -> cri.stopContainer(id, STOP_TIMEOUT));
    timed(samples, ChurnResult.REMOVE_CONTAINER, () -> cri.removeContainer(id));
    timed(samples, ChurnResult.STOP_POD_SANDBOX, () -> cri.stopPodSandbox(podId));
    timed(samples, ChurnResult.REMOVE_POD_SANDBOX, () -> cri.removePodSandbox(podId));
  }

  private static void timed(Map<String, List<Double>> samples, String op, Runnable call) {
    timed(samples, op, () -> {
      call.run();
      return null;
    });
  }

  private static <T> T timed(Map<String, List<Double>> samples, String op, Supplier<T> call) {
    long t0 = System.nanoTime();
    T value = call.get();
    if (samples != null) {
      samples.get(op).add((System.nanoTime() - t0) / 1e6);
    }
    return value;
  }

  static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  /**
   * {@code [--reps N] [--socket PATH [--containerd-log PATH]] [--fail-on-verdict]} (exit 2 unless every call passes its same-run peer): without --socket starts an
   * EmbeddedContainerd on -Dpodgate.bridge / -Dpodgate.subnet. The same-run crictl-equivalent needs
   * containerd's log (an embedded daemon's is known). Prints the table, then the JSON.
   */
  public static void main(String[] args) {
    int reps = BenchDaemon.intArg(args, "--reps", 10);
    String socket = BenchDaemon.arg(args, "--socket", null);
    PrintStream out = System.out;
    Result r;
    try (BenchDaemon d = BenchDaemon.open(socket == null ? null : Path.of(socket), "bench-cri")) {
      out.println("CRI latency benchmark against " + d.describe() + " " + Arrays.toString(args));
      Path log = d.containerdLog().orElse(Optional.ofNullable(BenchDaemon.arg(args, "--containerd-log", null))
          .map(Path::of).orElse(null));
      r = new CriLatencyBenchmark().run(d.cri(), reps, log, d.socket());
    }
    out.print(r.table());
    out.println(r.json());
    if (BenchDaemon.flag(args, "--fail-on-verdict") && !r.allPassSameRun()) {
      System.exit(2);
    }
  }
}
