package io.podgate.internal.bench;

import io.podgate.internal.cri.KubeletDefaults;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podgate.ChurnOptions;
import io.podgate.ChurnResult;
import io.podgate.internal.cri.CriClient;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Latency of each CRI call of a pod's life (RunPodSandbox ... RemovePodSandbox), repeated on fresh pods,
 * against crictl's figures on this machine. crictl's include about 30 ms of process start, so a pass
 * means podgate's median call is no slower than the same step done with crictl.
 */
public final class CriLatencyBenchmark {
  /** crictl wall time per command on this machine, median of 5, ms (runp, create, start, stop, rm, stopp, rmp). */
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

  /** Figures of one operation over all repetitions; {@code pass} when the median is at or below the reference. */
  public record OperationFigures(String operation, int samples, double medianMillis, double minMillis,
      double maxMillis, double referenceMillis, boolean pass) {
    public String verdict() {
      return pass ? "PASS" : "FAIL";
    }

    /** podgate median / crictl reference. */
    public double ratio() {
      return medianMillis / referenceMillis;
    }
  }

  /** {@code samplesMillis}: every timed call per operation, in order (empty when built from figures only). */
  public record Result(int repetitions, String image, List<OperationFigures> operations,
      Map<String, List<Double>> samplesMillis) {
    public Result {
      operations = List.copyOf(operations);
      Map<String, List<Double>> copy = new LinkedHashMap<>();
      samplesMillis.forEach((op, v) -> copy.put(op, List.copyOf(v)));
      samplesMillis = java.util.Collections.unmodifiableMap(copy);
    }

    public Result(int repetitions, String image, List<OperationFigures> operations) {
      this(repetitions, image, operations, Map.of());
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

    public boolean allPass() {
      return operations.stream().allMatch(OperationFigures::pass);
    }

    public String table() {
      StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
          "CRI latency, %d repetitions, image %s (ms; crictl figures include ~30 ms process start)%n",
          repetitions, image));
      s.append(String.format(Locale.ROOT, "%-18s %9s %9s %9s %9s %7s  %s%n",
          "operation", "median", "min", "max", "crictl", "ratio", "verdict"));
      for (OperationFigures o : operations) {
        s.append(String.format(Locale.ROOT, "%-18s %9.1f %9.1f %9.1f %9.1f %7.2f  %s%n", o.operation(),
            o.medianMillis(), o.minMillis(), o.maxMillis(), o.referenceMillis(), o.ratio(), o.verdict()));
      }
      return s.toString();
    }

    public String json() {
      ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      ObjectNode root = mapper.createObjectNode();
      root.put("benchmark", "cri-latency");
      root.put("repetitions", repetitions);
      root.put("image", image);
      root.put("reference", "crictl wall time per command, median of 5, incl. ~30 ms process start");
      ArrayNode ops = root.putArray("operations");
      for (OperationFigures o : operations) {
        ObjectNode n = ops.addObject();
        n.put("operation", o.operation());
        n.put("samples", o.samples());
        n.put("medianMs", round(o.medianMillis()));
        n.put("minMs", round(o.minMillis()));
        n.put("maxMs", round(o.maxMillis()));
        n.put("crictlMs", o.referenceMillis());
        n.put("ratio", round(o.ratio()));
        n.put("verdict", o.verdict());
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
    if (repetitions < 1) {
      throw new IllegalArgumentException("CRI latency benchmark needs at least 1 repetition, got " + repetitions);
    }
    ChurnEngine.ensureStandardImage(cri, image);
    String runId = UUID.randomUUID().toString().substring(0, 8);
    Map<String, List<Double>> samples = new LinkedHashMap<>();
    CRICTL_REFERENCE_MILLIS.keySet().forEach(op -> samples.put(op, new ArrayList<>()));
    try {
      for (int rep = -1; rep < repetitions; rep++) {
        repetition(cri, runId, rep, rep >= 0 ? samples : null);
      }
    } finally {
      LabelSweep.removeAll(cri, RUN_LABEL, runId, "CRI latency benchmark " + runId);
    }
    List<OperationFigures> figures = new ArrayList<>();
    samples.forEach((op, values) -> {
      double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      double median = median(v);
      double ref = CRICTL_REFERENCE_MILLIS.get(op);
      figures.add(new OperationFigures(op, v.length, median, v[0], v[v.length - 1], ref, median <= ref));
    });
    return new Result(repetitions, image, figures, samples);
  }

  private void repetition(CriClient cri, String runId, int rep, Map<String, List<Double>> samples) {
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
   * {@code [--reps N] [--socket PATH] [--fail-on-verdict]}: without --socket starts an EmbeddedContainerd on
   * -Dpodgate.bridge / -Dpodgate.subnet. Prints the table, then the JSON.
   */
  public static void main(String[] args) {
    int reps = BenchDaemon.intArg(args, "--reps", 10);
    String socket = BenchDaemon.arg(args, "--socket", null);
    PrintStream out = System.out;
    Result r;
    try (BenchDaemon d = BenchDaemon.open(socket == null ? null : Path.of(socket), "bench-cri")) {
      out.println("CRI latency benchmark against " + d.describe() + " " + Arrays.toString(args));
      r = new CriLatencyBenchmark().run(d.cri(), reps);
    }
    out.print(r.table());
    out.println(r.json());
    if (BenchDaemon.flag(args, "--fail-on-verdict") && !r.allPass()) {
      System.exit(2);
    }
  }
}
