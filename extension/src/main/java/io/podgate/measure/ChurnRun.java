package io.podgate.measure;

import io.podgate.PodgateException;
import io.podgate.internal.backend.PodBackend;
import io.podgate.internal.containerd.ContainerdAccess;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.measure.churn.ChurnEngine;
import io.podgate.internal.measure.churn.ContainerdChurnEngine;
import io.podgate.internal.measure.churn.PodApiChurn;
import io.podgate.internal.pod.CriAccess;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One container churn run on podgate's runtime: each worker repeatedly creates, starts, stops and
 * removes a container (and, in {@link ChurnOptions.Mode#POD_PER_CYCLE}, its pod), like
 * containerd-stress; on a Kubernetes backend each worker creates, awaits and deletes whole pods through
 * the API ({@link ChurnOptions.Path#POD_API}). Get it from {@link Measure#churn}. Defaults are {@link ChurnOptions}'s: 2
 * workers, busybox, 10 s unless cycles or a duration are set.
 */
public final class ChurnRun {
  private final Measure measure;
  private final ChurnOptions.Builder options = ChurnOptions.builder();
  private String label;
  private ChurnOptions.Path path;

  ChurnRun(Measure measure) {
    this.measure = measure;
  }

  public ChurnRun workers(int workers) {
    options.workers(workers);
    return this;
  }

  /** Attempts this many cycles in total (failed ones count). */
  public ChurnRun cycles(long cycles) {
    options.cycles(cycles);
    return this;
  }

  public ChurnRun seconds(int seconds) {
    return duration(Duration.ofSeconds(seconds));
  }

  public ChurnRun duration(Duration duration) {
    options.duration(duration);
    return this;
  }

  /**
   * Cycles this long first without counting them (default none), then measures from a clean start: see
   * {@link ChurnOptions#warmup()}.
   */
  public ChurnRun warmup(Duration warmup) {
    options.warmup(warmup);
    return this;
  }

  public ChurnRun image(String image) {
    options.image(image);
    return this;
  }

  public ChurnRun command(String... command) {
    options.command(List.of(command));
    return this;
  }

  public ChurnRun mode(ChurnOptions.Mode mode) {
    options.mode(mode);
    return this;
  }

  /**
   * Which API the churn goes through. The default is {@link ChurnOptions.Path#CRI} (the kubelet's way) on a
   * CRI backend and {@link ChurnOptions.Path#POD_API} (pods through the API server, with kube-burner's
   * pod-latency quantiles) on the {@code kubernetes} and {@code local-cluster} backends, which refuse the
   * other two. {@link ChurnOptions.Path#CONTAINERD} runs containerd-stress's own cycle over containerd's
   * containers and tasks API, to compare like for like with containerd-stress. See {@link ChurnOptions.Path}.
   */
  public ChurnRun path(ChurnOptions.Path path) {
    this.path = Objects.requireNonNull(path, "path");
    return this;
  }

  /** Stops the run after this many failed cycles. */
  public ChurnRun maxFailures(int maxFailures) {
    options.maxFailures(maxFailures);
    return this;
  }

  /** Name in reports and messages (default: mode, workers and image). */
  public ChurnRun label(String label) {
    this.label = Objects.requireNonNull(label, "label");
    return this;
  }

  /** Runs the churn; the result is recorded in the test's report. Progress every 5 s. */
  public ChurnResult run() {
    PodBackend backend = measure.env().backend();
    Optional<PodApiChurn> podApi = backend.capability(PodApiChurn.class);
    ChurnOptions.Path chosen = path != null ? path
        : podApi.isPresent() ? ChurnOptions.Path.POD_API : ChurnOptions.Path.CRI;
    Function<ChurnOptions, ChurnResult> engine = switch (chosen) {
      case CONTAINERD -> new ContainerdChurnEngine(containerdOf(backend, podApi.isPresent()))::run;
      case CRI -> new ChurnEngine(criOf(backend, podApi.isPresent()))::run;
      case POD_API -> podApi.orElseThrow(() -> new PodgateException("measure.churn().path(POD_API) churns pods "
          + "through a Kubernetes API server, but the pod backend (" + backend.describe() + ") has none; run with "
          + "-Dpodgate.backend=local-cluster or kubernetes, or use path(CRI) on this backend"))::run;
    };
    ChurnOptions o = options.path(chosen).progress(line -> measure.progress("churn: " + line)).build();
    measure.progress("churn: " + o);
    ChurnResult r = engine.apply(o);
    if (label == null) {
      measure.report().churn(r);
    } else {
      measure.report().churn(label, r);
    }
    return r;
  }

  /** The containerd path talks to containerd's own API: only a backend running containerd offers it. */
  private static ContainerdAccess containerdOf(PodBackend backend, boolean cluster) {
    if (cluster) {
      throw onCluster(ChurnOptions.Path.CONTAINERD, backend);
    }
    return backend.capability(ContainerdAccess.class).orElseThrow(() -> new PodgateException(
        "measure.churn().path(CONTAINERD) uses containerd's own containers and tasks API, but the pod backend ("
            + backend.describe() + ") offers no containerd access; run it against containerd (embedded, or "
            + "podgate.cri.endpoint pointing at containerd), or use path(CRI)"));
  }

  /** A cluster's kubelets own their nodes' runtimes: containers made beside them are stopped by them. */
  private static PodgateException onCluster(ChurnOptions.Path path, PodBackend backend) {
    return new PodgateException("measure.churn().path(" + path + ") creates containers on a runtime itself, but the "
        + "pod backend (" + backend.describe() + ") is a Kubernetes cluster, whose kubelets stop what they did not "
        + "make; churn there goes through the pod API: drop .path(" + path + ") (POD_API is the default on this "
        + "backend) or use .path(POD_API)");
  }

  /** Churn creates CRI containers itself: it needs a backend that offers raw CRI access. */
  private static CriClient criOf(PodBackend backend, boolean cluster) {
    if (cluster) {
      throw onCluster(ChurnOptions.Path.CRI, backend);
    }
    return backend.capability(CriAccess.class).map(CriAccess::client).orElseThrow(() -> new PodgateException(
        "measure.churn() creates CRI pods and containers itself, but the pod backend (" + backend.describe()
            + ") offers no CRI access; run churn against containerd (embedded or podgate.cri.endpoint)"));
  }
}
