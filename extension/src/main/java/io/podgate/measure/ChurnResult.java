package io.podgate.measure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Figures of one churn run. Operation latencies are of successful calls only. Runs through
 * {@link ChurnOptions.Path#POD_API} also carry pod-latency quantiles per pod condition ({@link #podLatencies()}).
 */
public final class ChurnResult {
  public static final String RUN_POD_SANDBOX = "RunPodSandbox";
  public static final String CREATE_CONTAINER = "CreateContainer";
  public static final String START_CONTAINER = "StartContainer";
  public static final String STOP_CONTAINER = "StopContainer";
  public static final String REMOVE_CONTAINER = "RemoveContainer";
  public static final String STOP_POD_SANDBOX = "StopPodSandbox";
  public static final String REMOVE_POD_SANDBOX = "RemovePodSandbox";
  /** {@link ChurnOptions.Path#CONTAINERD}: snapshot Prepare plus containers Create (the client's NewContainer). */
  public static final String NEW_CONTAINER = "NewContainer";
  /** {@link ChurnOptions.Path#CONTAINERD}: tasks Create (the shim starts, runc creates the container). */
  public static final String NEW_TASK = "NewTask";
  /** {@link ChurnOptions.Path#CONTAINERD}: tasks Start. */
  public static final String TASK_START = "TaskStart";
  /** {@link ChurnOptions.Path#CONTAINERD}: tasks Wait, until the command has exited. */
  public static final String TASK_WAIT = "TaskWait";
  /** {@link ChurnOptions.Path#CONTAINERD}: tasks Delete (the shim goes). */
  public static final String TASK_DELETE = "TaskDelete";
  /** {@link ChurnOptions.Path#CONTAINERD}: containers Delete plus snapshot Remove. */
  public static final String CONTAINER_DELETE = "ContainerDelete";

  /** {@link ChurnOptions.Path#POD_API}: the pod create request, until the API server answered. */
  public static final String CREATE_POD = "CreatePod";
  /** {@link ChurnOptions.Path#POD_API}: from the create request's answer until the pod is done (Ready or Succeeded). */
  public static final String AWAIT_POD_DONE = "AwaitPodDone";
  /** {@link ChurnOptions.Path#POD_API}: the delete request (grace period 0). */
  public static final String DELETE_POD = "DeletePod";
  /** {@link ChurnOptions.Path#POD_API}: from the delete request's answer until the watch reports the pod deleted. */
  public static final String AWAIT_POD_GONE = "AwaitPodGone";

  /** Pod condition {@code PodScheduled} (the scheduler bound the pod to a node). */
  public static final String POD_SCHEDULED = "PodScheduled";
  /** Pod condition {@code Initialized} (the kubelet ran the init containers, if any). */
  public static final String INITIALIZED = "Initialized";
  /** Pod condition {@code ContainersReady} (every container runs and passes its readiness probe). */
  public static final String CONTAINERS_READY = "ContainersReady";
  /** Pod condition {@code Ready} (ContainersReady plus any readiness gates). */
  public static final String READY = "Ready";

  /**
   * kube-burner's podLatency summary of one pod condition over a {@link ChurnOptions.Path#POD_API} run, in
   * milliseconds. Each sample is the time from the client's create request to the client-side watch event
   * that first showed the condition {@code True} for that pod (the condition's own {@code lastTransitionTime}
   * has only 1 s resolution, so it is not used). Only pods of completed cycles count; a pod that finished
   * without ever being seen with the condition True (e.g. {@code /bin/true} and Ready) adds no sample.
   * Quantiles are nearest-rank over the samples (the value at rank ceil(q * count)); {@code count} is the
   * number of samples.
   */
  public record PodLatency(String condition, long count, double p50Millis, double p95Millis, double p99Millis,
      double maxMillis, double avgMillis) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%s n=%d p50=%.0f p95=%.0f p99=%.0f max=%.0f avg=%.0f ms",
          condition, count, p50Millis, p95Millis, p99Millis, maxMillis, avgMillis);
    }
  }

  /** Latency of one operation (CRI or containerd call) over the run, in milliseconds (HdrHistogram, 3 significant digits). */
  public record OperationLatency(
      String operation, long count, double p50Millis, double p90Millis, double p99Millis, double maxMillis) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%s n=%d p50=%.1f p90=%.1f p99=%.1f max=%.1f ms",
          operation, count, p50Millis, p90Millis, p99Millis, maxMillis);
    }
  }

  private final ChurnOptions.Mode mode;
  private final ChurnOptions.Path path;
  private final int workers;
  private final String image;
  private final long cycles;
  private final long failures;
  private final List<String> failureMessages;
  private final Duration elapsed;
  private final Map<String, OperationLatency> latencies;
  private final List<Long> completedPerSecond;
  private final String stoppedEarly;
  private final Map<String, PodLatency> podLatencies;

  /**
   * Built by the churn engine; public so reports and tests can make one.
   *
   * @param cycles cycles that completed all their operations
   * @param failures cycles that failed (each counts once)
   * @param failureMessages the first few failure messages, in the order they happened
   * @param elapsed time from the first cycle's start to the last cycle's end
   * @param completedPerSecond completed cycles in each second of the run, second 0 first
   * @param stoppedEarly why the run ended before its bound, or null
   */
  public ChurnResult(ChurnOptions.Mode mode, int workers, String image, long cycles, long failures,
      List<String> failureMessages, Duration elapsed, Map<String, OperationLatency> latencies,
      List<Long> completedPerSecond, String stoppedEarly) {
    this(ChurnOptions.Path.CRI, mode, workers, image, cycles, failures, failureMessages, elapsed, latencies,
        completedPerSecond, stoppedEarly);
  }

  /** As above, for a run through {@code path}. */
  public ChurnResult(ChurnOptions.Path path, ChurnOptions.Mode mode, int workers, String image, long cycles,
      long failures, List<String> failureMessages, Duration elapsed, Map<String, OperationLatency> latencies,
      List<Long> completedPerSecond, String stoppedEarly) {
    this(path, mode, workers, image, cycles, failures, failureMessages, elapsed, latencies, completedPerSecond,
        stoppedEarly, Map.of());
  }

  /**
   * As above, with the pod-latency quantiles of a {@link ChurnOptions.Path#POD_API} run by condition
   * ({@link #POD_SCHEDULED}, {@link #INITIALIZED}, {@link #CONTAINERS_READY}, {@link #READY}); empty for other paths.
   */
  public ChurnResult(ChurnOptions.Path path, ChurnOptions.Mode mode, int workers, String image, long cycles,
      long failures, List<String> failureMessages, Duration elapsed, Map<String, OperationLatency> latencies,
      List<Long> completedPerSecond, String stoppedEarly, Map<String, PodLatency> podLatencies) {
    this.path = Objects.requireNonNull(path, "path");
    this.mode = Objects.requireNonNull(mode, "mode");
    this.workers = workers;
    this.image = Objects.requireNonNull(image, "image");
    this.cycles = cycles;
    this.failures = failures;
    this.failureMessages = List.copyOf(failureMessages);
    this.elapsed = Objects.requireNonNull(elapsed, "elapsed");
    this.latencies = Collections.unmodifiableMap(new LinkedHashMap<>(latencies));
    this.completedPerSecond = List.copyOf(completedPerSecond);
    this.stoppedEarly = stoppedEarly;
    this.podLatencies = Collections.unmodifiableMap(new LinkedHashMap<>(podLatencies));
  }

  public ChurnOptions.Mode mode() {
    return mode;
  }

  /** The API the run went through. */
  public ChurnOptions.Path path() {
    return path;
  }

  public int workers() {
    return workers;
  }

  public String image() {
    return image;
  }

  /** Cycles that completed every operation. */
  public long cycles() {
    return cycles;
  }

  /** Completed cycles per second of {@link #elapsed()}. */
  public double cyclesPerSecond() {
    double s = elapsed.toNanos() / 1e9;
    return s > 0 ? cycles / s : 0;
  }

  public long failures() {
    return failures;
  }

  /** The first few failure messages (the runtime's own words included). */
  public List<String> failureMessages() {
    return failureMessages;
  }

  public Duration elapsed() {
    return elapsed;
  }

  /** Why the run ended before its duration or cycle count, e.g. too many failures. */
  public Optional<String> stoppedEarly() {
    return Optional.ofNullable(stoppedEarly);
  }

  /** Latency per operation name ({@link #CREATE_CONTAINER} etc., or {@link #NEW_CONTAINER} etc. on the containerd path), in call order. */
  public Map<String, OperationLatency> latencies() {
    return latencies;
  }

  /** The latency of {@code operation}; fails naming the operations this run measured. */
  public OperationLatency latency(String operation) {
    OperationLatency l = latencies.get(operation);
    if (l == null) {
      throw new IllegalArgumentException("this churn run has no latency for '" + operation + "'; it measured "
          + latencies.keySet() + " (mode " + mode + "; pod operations are measured with POD_PER_CYCLE)");
    }
    return l;
  }

  /**
   * kube-burner's pod-latency quantiles by pod condition, in milliseconds from the create request to the first
   * watch event showing the condition True (see {@link PodLatency}), in the order PodScheduled, Initialized,
   * ContainersReady, Ready; only conditions with at least one sample. Empty unless the run went through
   * {@link ChurnOptions.Path#POD_API}.
   */
  public Map<String, PodLatency> podLatencies() {
    return podLatencies;
  }

  /** The pod-latency quantiles of {@code condition} (e.g. {@link #READY}); fails naming the conditions this run measured. */
  public PodLatency podLatency(String condition) {
    PodLatency l = podLatencies.get(condition);
    if (l == null) {
      throw new IllegalArgumentException("this churn run has no pod latency for '" + condition + "'; it measured "
          + podLatencies.keySet() + " (path " + path + "; pod latencies come from path POD_API on a Kubernetes backend,"
          + " and a condition no completed pod showed True has none)");
    }
    return l;
  }

  /** Completed cycles in each second of the run (for charts). */
  public List<Long> completedPerSecond() {
    return completedPerSecond;
  }

  public String summary() {
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "churn %s, %d worker(s), image %s: %d cycles in %.1f s = %.2f cycles/s, %d failure(s)",
        describePath(), workers, image, cycles, elapsed.toNanos() / 1e9, cyclesPerSecond(), failures));
    if (stoppedEarly != null) {
      s.append("; stopped early: ").append(stoppedEarly);
    }
    for (OperationLatency l : latencies.values()) {
      s.append("\n  ").append(l);
    }
    for (PodLatency l : podLatencies.values()) {
      s.append("\n  pod latency ").append(l);
    }
    for (String m : failureMessages) {
      s.append("\n  failure: ").append(m);
    }
    return s.toString();
  }

  private String describePath() {
    return switch (path) {
      case CRI -> mode.toString();
      case CONTAINERD -> "through containerd's API";
      case POD_API -> "of pods through the Kubernetes API";
    };
  }

  @Override
  public String toString() {
    return summary();
  }

  /** Operation names a cycle of the {@link ChurnOptions.Path#POD_API} path records, in cycle order. */
  public static List<String> podApiOperations() {
    return List.of(CREATE_POD, AWAIT_POD_DONE, DELETE_POD, AWAIT_POD_GONE);
  }

  /** The pod conditions of kube-burner's podLatency, in the order a pod reaches them. */
  public static List<String> podConditions() {
    return List.of(POD_SCHEDULED, INITIALIZED, CONTAINERS_READY, READY);
  }

  /** Operation names a cycle of the {@link ChurnOptions.Path#CONTAINERD} path calls, in call order. */
  public static List<String> containerdOperations() {
    return List.of(NEW_CONTAINER, NEW_TASK, TASK_START, TASK_WAIT, TASK_DELETE, CONTAINER_DELETE);
  }

  /** Operation names a CRI cycle calls in {@code mode}, in call order. */
  public static List<String> operations(ChurnOptions.Mode mode) {
    List<String> ops = new ArrayList<>();
    if (mode == ChurnOptions.Mode.POD_PER_CYCLE) {
      ops.add(RUN_POD_SANDBOX);
    }
    ops.addAll(List.of(CREATE_CONTAINER, START_CONTAINER, STOP_CONTAINER, REMOVE_CONTAINER));
    if (mode == ChurnOptions.Mode.POD_PER_CYCLE) {
      ops.addAll(List.of(STOP_POD_SANDBOX, REMOVE_POD_SANDBOX));
    }
    return ops;
  }
}
