package io.podgate.measure;

import io.podgate.PodgateException;
import io.podgate.internal.backend.PodBackend;
import io.podgate.internal.containerd.ContainerdAccess;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.measure.churn.ChurnEngine;
import io.podgate.internal.measure.churn.ContainerdChurnEngine;
import io.podgate.internal.pod.CriAccess;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One container churn run on podgate's runtime: each worker repeatedly creates, starts, stops and
 * removes a container (and, in {@link ChurnOptions.Mode#POD_PER_CYCLE}, its pod), like
 * containerd-stress. Get it from {@link Measure#churn}. Defaults are {@link ChurnOptions}'s: 2
 * workers, busybox, 10 s unless cycles or a duration are set.
 */
public final class ChurnRun {
  private final Measure measure;
  private final ChurnOptions.Builder options = ChurnOptions.builder();
  private String label;

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
   * Which API the churn goes through (default {@link ChurnOptions.Path#CRI}, the kubelet's way);
   * {@link ChurnOptions.Path#CONTAINERD} runs containerd-stress's own cycle over containerd's
   * containers and tasks API, to compare like for like with containerd-stress. See {@link ChurnOptions.Path}.
   */
  public ChurnRun path(ChurnOptions.Path path) {
    options.path(path);
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
    ChurnOptions o = options.progress(line -> measure.progress("churn: " + line)).build();
    measure.progress("churn: " + o);
    ChurnResult r = o.path() == ChurnOptions.Path.CONTAINERD
        ? new ContainerdChurnEngine(containerdOf(measure.env().backend())).run(o)
        : new ChurnEngine(criOf(measure.env().backend())).run(o);
    if (label == null) {
      measure.report().churn(r);
    } else {
      measure.report().churn(label, r);
    }
    return r;
  }

  /** The containerd path talks to containerd's own API: only a backend running containerd offers it. */
  private static ContainerdAccess containerdOf(PodBackend backend) {
    return backend.capability(ContainerdAccess.class).orElseThrow(() -> new PodgateException(
        "measure.churn().path(CONTAINERD) uses containerd's own containers and tasks API, but the pod backend ("
            + backend.describe() + ") offers no containerd access; run it against containerd (embedded, or "
            + "podgate.cri.endpoint pointing at containerd), or use path(CRI)"));
  }

  /** Churn creates CRI containers itself: it needs a backend that offers raw CRI access. */
  private static CriClient criOf(PodBackend backend) {
    return backend.capability(CriAccess.class).map(CriAccess::client).orElseThrow(() -> new PodgateException(
        "measure.churn() creates CRI pods and containers itself, but the pod backend (" + backend.describe()
            + ") offers no CRI access; run churn against containerd (embedded or podgate.cri.endpoint)"));
  }
}
