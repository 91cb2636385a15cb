package io.podgate.measure;

import io.podgate.Podgate;
import io.podgate.PodgateException;
import io.podgate.internal.measure.api.MeasureEnvironment;
import io.podgate.internal.measure.api.MeasureInternals;
import io.podgate.internal.measure.api.MeasureRoutes;
import io.podgate.internal.measure.iperf.ThroughputPath;
import io.podgate.internal.measure.api.ProgressTicker;
import io.podgate.internal.measure.http.HostNginx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;

/**
 * Measurements of what crosses the pod network, for a test: declare a parameter {@code Measure
 * measure} in a {@link Podgate} test. Every run made through it lands in the test's
 * {@link PodgateReport} (and a JUnit report entry with its headline figures), and runs longer than
 * 5 s print progress at least every 5 s.
 *
 * <pre>{@code
 * ComparisonResult r = measure.throughput(Throughput.hostTo(pod.container("debug"))).durationSeconds(1)
 *     .against(Throughput.loopback()).atMostPercent(15).rounds(6, 12).check();
 * HttpLoadResult h = measure.http("http://" + pod.ip() + "/").connections(10).seconds(5).run();
 * ChurnResult c = measure.churn().workers(2).seconds(5).run();
 * ChurnResult like = measure.churn().path(ChurnOptions.Path.CONTAINERD).command("/bin/true").seconds(5).run();
 * // on -Dpodgate.backend=local-cluster or kubernetes the same call churns pods through the API:
 * assertThat(measure.churn().workers(2).seconds(5).run()).hasNoFailures().hasPodLatencyP99AtMostMillis("Ready", 5000);
 * }</pre>
 *
 * <p>Where a measurement of a pod runs from: the test JVM's host, unless the JVM cannot reach pod IPs (a remote
 * cluster) or {@code -Dpodgate.measure.via=client-pod} asks, then a client pod with {@code hostNetwork: true} on
 * the target pod's node ({@code Throughput.hostTo}'s iperf3 client, and {@code http} as wrk). {@code direct}
 * forces the JVM; {@code auto} (default) decides by a TCP connect probe. Every result names its path ({@code via}).
 */
public final class Measure {
  /** Port the reachability probe of an iperf3 server's pod tries (a refusal answers as well as a listener). */
  private static final int IPERF3_PROBE_PORT = 5201;
  private final MeasureEnvironment env;
  private String hostNginxUrl;
  private MeasureRoutes routes;

  static {
    MeasureInternals.register(new InternalAccess());
  }

  /** Made by podgate's JUnit extension; tests receive it as a parameter. */
  Measure(MeasureEnvironment env) {
    this.env = Objects.requireNonNull(env, "env");
  }

  /** An iperf3 run (or, with {@code against}, a gated comparison) over {@code path}. */
  public ThroughputRun throughput(Throughput path) {
    return new ThroughputRun(this, Objects.requireNonNull(path, "path"));
  }

  /** An in-JVM HTTP load run against {@code url}, e.g. {@code "http://" + pod.ip() + "/"}. */
  public HttpLoad http(String url) {
    return new HttpLoad(this, Objects.requireNonNull(url, "url"));
  }

  /**
   * A container churn run on podgate's runtime: CRI pod and container create/start/stop/remove cycles by
   * default, or containerd-stress's own cycle over containerd's API with {@link ChurnRun#path}; on the
   * {@code kubernetes} and {@code local-cluster} backends, pod create/ready/delete/gone cycles through the API
   * with kube-burner's pod-latency quantiles ({@link ChurnOptions.Path#POD_API}).
   */
  public ChurnRun churn() {
    return new ChurnRun(this);
  }

  /**
   * URL of an nginx on host loopback serving the same page as the {@code podgate:nginx} image
   * (same body, same config): the HTTP baseline for a pod's nginx. Started on first call, stopped
   * when the test ends.
   */
  public synchronized String hostNginx() {
    if (hostNginxUrl == null) {
      Path dir;
      try {
        dir = Files.createTempDirectory("podgate-nginx-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
      } catch (IOException e) {
        throw new PodgateException("could not create a directory for the host nginx in "
            + System.getProperty("java.io.tmpdir") + ": " + e.getMessage(), e);
      }
      HostNginx nginx;
      try {
        nginx = HostNginx.start(dir.resolve("nginx"));
      } catch (RuntimeException e) {
        deleteTree(dir);
        throw e;
      }
      env.closeAtEnd(() -> {
        try {
          nginx.close();
        } finally {
          deleteTree(dir);
        }
      });
      hostNginxUrl = nginx.url("/");
      progress("host nginx baseline listening at " + hostNginxUrl);
    }
    return hostNginxUrl;
  }

  /** The report of the current test, for figures recorded by hand. */
  public PodgateReport report() {
    return env.report();
  }

  // ---- shared by the run builders ----

  /** Where measurements of pods run from (see {@link MeasureRoutes}); its client pods go when the test ends. */
  synchronized MeasureRoutes routes() {
    if (routes == null) {
      routes = new MeasureRoutes(env::backend, System::getProperty, env.progress());
      env.closeAtEnd(routes);
    }
    return routes;
  }

  /** {@code path}, or, for a host->pod path the JVM should not run itself, the same through a client pod. */
  ThroughputPath route(ThroughputPath path) {
    if (!path.clientOnHostToPod()) {
      return path;
    }
    return routes().clientFor(path.serverAddress(), IPERF3_PROBE_PORT)
        .map(c -> path.throughClient(c.runner(), c.via())).orElse(path);
  }

  MeasureEnvironment env() {
    return env;
  }

  void progress(String line) {
    env.progress().accept(line);
  }

  /** Runs {@code body}, printing "still running" every 5 s while it lasts. */
  <T> T ticking(String what, Duration expected, Callable<T> body) throws Exception {
    try (ProgressTicker ignored = ProgressTicker.start(env.progress(), what, expected)) {
      return body.call();
    }
  }

  /** The run whose figure is the (lower) median of {@code runs}. */
  static <T> T medianRun(List<T> runs, ToDoubleFunction<T> figure) {
    List<T> sorted = new ArrayList<>(runs);
    sorted.sort(Comparator.comparingDouble(figure));
    return sorted.get((sorted.size() - 1) / 2);
  }

  private static void deleteTree(Path dir) {
    io.podgate.internal.host.FileTrees.delete(dir);
  }

}
