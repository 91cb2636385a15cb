package io.podgate.measure;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What a container churn run does: {@code workers} threads each repeat CreateContainer,
 * StartContainer, StopContainer, RemoveContainer (plus RunPodSandbox/StopPodSandbox/RemovePodSandbox
 * with {@link Mode#POD_PER_CYCLE}) until the duration has passed or the total number of cycles is done;
 * or, with {@link Path#CONTAINERD}, containerd-stress's cycle over containerd's own API; or, with
 * {@link Path#POD_API} on a Kubernetes backend, whole pods created, awaited and deleted through the API.
 */
public final class ChurnOptions {
  /** Where the churned containers live. */
  public enum Mode {
    /** One pod sandbox created up front; every cycle's container runs in it. */
    SHARED_POD,
    /** Each cycle runs and removes its own pod sandbox as well. */
    POD_PER_CYCLE
  }

  /** Which API the churn goes through; the two measure different things, compare each to its peer. */
  public enum Path {
    /**
     * Kubernetes' way: CRI CreateContainer, StartContainer, StopContainer, RemoveContainer in a pod
     * sandbox (what a kubelet pays per container: CRI plugin bookkeeping, container log files, the
     * pod's shared namespaces). The default; works with any CRI runtime.
     */
    CRI,
    /**
     * containerd's own API, the cycle containerd-stress runs: prepare a snapshot and create a container
     * (NewContainer), create, start and wait for the task, delete the task, delete the container and
     * its snapshot. No pod, no CNI, no CRI plugin: a like-for-like comparison with containerd-stress.
     * Needs containerd (embedded or an endpoint that is containerd); runs in a containerd namespace of
     * its own ({@code podgate-churn-<run id>}) that is removed afterwards, and only podgate's standard
     * images (imported into that namespace and unpacked there). {@link ChurnOptions#mode()} does not apply. The
     * container runs {@link #command()} in fresh pid, ipc, uts, mount and network namespaces, as
     * containerd's default spec gives containerd-stress.
     */
    CONTAINERD,
    /**
     * Kubernetes' API, on the {@code kubernetes} and {@code local-cluster} backends (chosen there when no
     * path is set; the other paths are refused there): each cycle creates a one-container Pod ({@link
     * ChurnOptions#image()}, {@link ChurnOptions#command()}, {@code restartPolicy: Never}, labelled with the run)
     * in the session's namespace, waits until it is done, deletes it with grace period 0 and waits until the
     * API no longer has it. A pod is done when it is Ready, or when it reached phase {@code Succeeded}
     * (a command that exits by itself, e.g. {@code /bin/true}; such a pod never shows Ready). A pod that
     * reaches {@code Failed}, or whose container cannot be created or its image pulled, fails the cycle; a
     * command that exits non-zero at once may still be seen Ready first (without a readiness probe a running
     * container is ready), and that cycle then counts as completed.
     * The result also carries kube-burner's pod-latency quantiles ({@link ChurnResult#podLatencies()}).
     * {@link ChurnOptions#mode()} and {@link ChurnOptions#stopTimeout()} do not apply.
     */
    POD_API
  }

  /** Busybox image built from this host's busybox-static (imported on demand). */
  public static final String DEFAULT_IMAGE = io.podgate.internal.image.StandardImages.BUSYBOX_REFERENCE;
  /** Stops at once on TERM, so StopContainer measures the runtime, not a grace period. */
  public static final List<String> DEFAULT_COMMAND =
      List.of("/bin/sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait");

  private final int workers;
  private final Duration duration;
  private final Duration warmup;
  private final long cycles;
  private final String image;
  private final List<String> command;
  private final Mode mode;
  private final Path path;
  private final Duration stopTimeout;
  private final int maxFailures;
  private final Duration progressInterval;
  private final Consumer<String> progress;

  private ChurnOptions(Builder b) {
    this.workers = b.workers;
    this.duration = b.duration;
    this.warmup = b.warmup;
    this.cycles = b.cycles;
    this.image = b.image;
    this.command = List.copyOf(b.command);
    this.mode = b.mode;
    this.path = b.path;
    this.stopTimeout = b.stopTimeout;
    this.maxFailures = b.maxFailures;
    this.progressInterval = b.progressInterval;
    this.progress = b.progress;
  }

  public static Builder builder() {
    return new Builder();
  }

  public int workers() {
    return workers;
  }

  /** Time bound of the run, or null when it is bounded by {@link #cycles()} only. */
  public Duration duration() {
    return duration;
  }

  /**
   * Unmeasured cycles before the measured run (default zero): the workers cycle this long, finish their cycles
   * in flight, and only then does the measured run start, with empty counts and latencies. It keeps a cold JVM's
   * JIT and first connections out of the figures, as a peer binary (containerd-stress) has no such start-up.
   */
  public Duration warmup() {
    return warmup;
  }

  /** Total cycles (all workers together), or 0 when the run is bounded by {@link #duration()} only. */
  public long cycles() {
    return cycles;
  }

  public String image() {
    return image;
  }

  public List<String> command() {
    return command;
  }

  public Mode mode() {
    return mode;
  }

  /**
   * The API the churn goes through (default {@link Path#CRI}; {@code measure.churn()} picks {@link Path#POD_API}
   * on a Kubernetes backend when none was set).
   */
  public Path path() {
    return path;
  }

  /** Grace StopContainer gives the container before it is killed (whole seconds; zero kills at once). */
  public Duration stopTimeout() {
    return stopTimeout;
  }

  /**
   * The run stops early once this many cycles have failed: no cycle starts after that, and the ones already
   * running on other workers finish, so at most {@code maxFailures + workers - 1} cycles fail.
   */
  public int maxFailures() {
    return maxFailures;
  }

  public Duration progressInterval() {
    return progressInterval;
  }

  public Consumer<String> progress() {
    return progress;
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.workers = workers;
    b.duration = duration;
    b.warmup = warmup;
    b.cycles = cycles;
    b.image = image;
    b.command = command;
    b.mode = mode;
    b.path = path;
    b.stopTimeout = stopTimeout;
    b.maxFailures = maxFailures;
    b.progressInterval = progressInterval;
    b.progress = progress;
    return b;
  }

  @Override
  public String toString() {
    return "ChurnOptions[workers=" + workers
        + (duration != null ? ", duration=" + duration.toMillis() + "ms" : "")
        + (cycles > 0 ? ", cycles=" + cycles : "")
        + (warmup.isZero() ? "" : ", warmup=" + warmup.toMillis() + "ms")
        + ", image=" + image + ", command=" + command + ", path=" + path
        + (path == Path.CRI ? ", mode=" + mode : "")
        + (path != Path.POD_API ? ", stopTimeout=" + stopTimeout.toMillis() + "ms" : "")
        + ", maxFailures=" + maxFailures + "]";
  }

  public static final class Builder {
    private int workers = 2;
    private Duration duration;
    private Duration warmup = Duration.ZERO;
    private long cycles;
    private String image = DEFAULT_IMAGE;
    private List<String> command = DEFAULT_COMMAND;
    private Mode mode = Mode.SHARED_POD;
    private Path path = Path.CRI;
    private Duration stopTimeout = Duration.ofSeconds(10);
    private int maxFailures = 20;
    private Duration progressInterval = Duration.ofSeconds(5);
    private Consumer<String> progress = line -> {};

    private Builder() {}

    public Builder workers(int workers) {
      if (workers < 1) {
        throw new IllegalArgumentException("churn workers must be at least 1, got " + workers);
      }
      this.workers = workers;
      return this;
    }

    /** Run for this long (cycles in flight when it ends are finished and counted). */
    public Builder duration(Duration duration) {
      if (duration == null || duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException("churn duration must be positive, got " + duration);
      }
      this.duration = duration;
      return this;
    }

    /** Cycle this long, unmeasured, before the measured run (see {@link ChurnOptions#warmup()}); zero for none. */
    public Builder warmup(Duration warmup) {
      if (warmup == null || warmup.isNegative()) {
        throw new IllegalArgumentException("churn warmup must be zero or positive, got " + warmup);
      }
      this.warmup = warmup;
      return this;
    }

    /** Attempt this many cycles in total, spread over the workers (failed ones count as attempts). */
    public Builder cycles(long cycles) {
      if (cycles < 1) {
        throw new IllegalArgumentException("churn cycles must be at least 1, got " + cycles);
      }
      this.cycles = cycles;
      return this;
    }

    public Builder image(String image) {
      if (image == null || image.isBlank()) {
        throw new IllegalArgumentException("churn image must not be empty; the default is " + DEFAULT_IMAGE);
      }
      this.image = image;
      return this;
    }

    /** The container's command (entrypoint override); an empty list keeps the image's own. */
    public Builder command(List<String> command) {
      this.command = List.copyOf(Objects.requireNonNull(command, "command"));
      return this;
    }

    public Builder command(String... command) {
      return command(List.of(command));
    }

    public Builder mode(Mode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    public Builder path(Path path) {
      this.path = Objects.requireNonNull(path, "path");
      return this;
    }

    public Builder stopTimeout(Duration stopTimeout) {
      if (stopTimeout == null || stopTimeout.isNegative()) {
        throw new IllegalArgumentException("churn stop timeout must be zero or positive, got " + stopTimeout);
      }
      this.stopTimeout = stopTimeout;
      return this;
    }

    public Builder maxFailures(int maxFailures) {
      if (maxFailures < 1) {
        throw new IllegalArgumentException("churn maxFailures must be at least 1, got " + maxFailures);
      }
      this.maxFailures = maxFailures;
      return this;
    }

    /** Receives a progress line every {@link #progressInterval(Duration)} (default 5 s) while the run lasts. */
    public Builder progress(Consumer<String> progress) {
      this.progress = Objects.requireNonNull(progress, "progress");
      return this;
    }

    public Builder progressInterval(Duration interval) {
      if (interval == null || interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("churn progress interval must be positive, got " + interval);
      }
      this.progressInterval = interval;
      return this;
    }

    /** Without a duration or a cycle count the run lasts 10 s. */
    public ChurnOptions build() {
      if (duration == null && cycles == 0) {
        duration = Duration.ofSeconds(10);
      }
      return new ChurnOptions(this);
    }
  }
}
