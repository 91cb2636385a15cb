package io.podgate.bench;

import io.podgate.measure.ComparisonResult;
import io.podgate.measure.Gates;
import io.podgate.measure.HttpLoadResult;
import io.podgate.measure.Measure;
import io.podgate.measure.Measurement;
import io.podgate.PodgateException;
import io.podgate.measure.ThroughputOptions;
import io.podgate.internal.image.BuiltImage;
import io.podgate.internal.image.StandardImages;
import io.podgate.internal.measure.http.HostNginx;
import io.podgate.internal.measure.iperf.ThroughputPath;
import io.podgate.internal.topology.Node;
import io.podgate.internal.topology.NodePod;
import io.podgate.internal.topology.Topology;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The seed's two-node measurement on one machine: nodes a4 and a5 (each a netns with its own
 * containerd), iperf3 node to node against pod (on a4) to pod (on a5), and HTTP from the host to nginx
 * in a5's namespace against nginx in a pod on a5. Paired rounds; medians and the paired overhead.
 *
 * <p>Options: {@code --seconds N} (iperf3 run, default 5), {@code --rounds N} (default 6),
 * {@code --http-seconds N} (default 5), {@code --a4 CIDR} / {@code --a5 CIDR} (default the seed's
 * 10.14.0.0/16 and 10.15.0.0/16), {@code --switch CIDR} (default 198.18.0.0/24), {@code --work DIR}.
 */
public final class CrossNodeBenchmark {
  private static final int HTTP_CONNECTIONS = 10;

  record Settings(int seconds, int rounds, int httpSeconds, String a4, String a5, String switchSubnet, Path work) {
    static Settings parse(String[] args) {
      int seconds = 5;
      int rounds = 6;
      int httpSeconds = 5;
      String a4 = Topology.SEED_A4_SUBNET;
      String a5 = Topology.SEED_A5_SUBNET;
      String sw = Topology.DEFAULT_SWITCH_SUBNET;
      Path work = Path.of(System.getProperty("java.io.tmpdir"), "podgate-crossnode");
      for (int i = 0; i < args.length; i++) {
        String value = i + 1 < args.length ? args[i + 1] : null;
        if (value == null) {
          throw new PodgateException("option " + args[i] + " needs a value; options: " + usage());
        }
        switch (args[i]) {
          case "--seconds" -> seconds = positive(args[i], value);
          case "--rounds" -> rounds = positive(args[i], value);
          case "--http-seconds" -> httpSeconds = positive(args[i], value);
          case "--a4" -> a4 = value;
          case "--a5" -> a5 = value;
          case "--switch" -> sw = value;
          case "--work" -> work = Path.of(value);
          default -> throw new PodgateException("unknown option " + args[i] + "; options: " + usage());
        }
        i++;
      }
      return new Settings(seconds, rounds, httpSeconds, a4, a5, sw, work.toAbsolutePath());
    }

    private static int positive(String option, String value) {
      try {
        int v = Integer.parseInt(value);
        if (v >= 1) {
          return v;
        }
      } catch (NumberFormatException ignored) {
        // below
      }
      throw new PodgateException("option " + option + " needs a whole number >= 1, got '" + value + "'");
    }

    static String usage() {
      return "--seconds N --rounds N --http-seconds N --a4 CIDR --a5 CIDR --switch CIDR --work DIR";
    }
  }

  private CrossNodeBenchmark() {}

  public static void main(String[] args) {
    Settings s;
    try {
      s = Settings.parse(args);
    } catch (PodgateException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    try {
      run(s, System.out);
    } catch (RuntimeException e) {
      System.err.println("cross-node benchmark failed: " + e.getMessage());
      System.exit(1);
    }
  }

  /** Runs everything and prints the seed's lines; returns the throughput comparison. */
  static ComparisonResult run(Settings s, PrintStream out) {
    StandardImages images = new StandardImages(s.work().resolve("images"));
    BuiltImage pause = images.pause();
    BuiltImage debug = images.debug();
    BuiltImage nginx = images.nginx();
    out.printf(Locale.ROOT, "nodes: a4 pods %s, a5 pods %s, switch %s%n", s.a4(), s.a5(), s.switchSubnet());
    try (Topology topology = Topology.builder().node("a4", s.a4()).node("a5", s.a5())
        .switchSubnet(s.switchSubnet()).stateDir(s.work().resolve("state")).sandboxImage(pause.reference())
        .build().start()) {
      for (Node n : topology.nodes()) {
        n.importImage(pause);
        n.importImage(debug);
        n.importImage(nginx);
      }
      Node a4 = topology.node("a4");
      Node a5 = topology.node("a5");
      List<String> idle = List.of("sh", "-c", StandardImages.SLEEP_FOREVER_SCRIPT);
      NodePod client = a4.runPod("iperf-client", debug.reference(), idle);
      NodePod server = a5.runPod("iperf-server", debug.reference(), idle);
      out.printf(Locale.ROOT, "a4 %s (pod %s), a5 %s (pod %s)%n", a4.address(), client.ip(), a5.address(), server.ip());

      ThroughputOptions iperf = ThroughputOptions.builder().durationSeconds(s.seconds()).build();
      ThroughputPath nodes = CrossNodePaths.nodeToNode(a4, a5);
      ThroughputPath pods = CrossNodePaths.podToPod(client, server);
      ComparisonResult tcp = Gates.overhead(nodes.receiverBitsPerSecond(iperf), pods.receiverBitsPerSecond(iperf))
          .rounds(s.rounds(), s.rounds()).evaluate();
      out.println(tcp.summary());
      out.printf(Locale.ROOT, "node-to-node %.1f Gbit/s, container-to-container %.1f Gbit/s, overhead %.1f %%"
              + " (paired median, %.0f %% CI [%.1f %%, %.1f %%], %d rounds of iperf3 -t %d)%n",
          median(tcp.baselineValues()) / 1e9, median(tcp.subjectValues()) / 1e9, tcp.medianOverheadPercent(),
          tcp.ciCoverage() * 100, tcp.ciLowPercent(), tcp.ciHighPercent(), tcp.rounds(), s.seconds());

      NodePod web = a5.runPod("nginx", nginx.reference(), List.of());
      Path nginxDir = s.work().resolve("node-nginx-" + ProcessHandle.current().pid());
      try (HostNginx nodeNginx = HostNginx.start(nginxDir, StandardImages.NGINX_INDEX_BODY,
          List.of("ip", "netns", "exec", a5.netns().orElseThrow()), a5.address(), 8080)) {
        String nodeUrl = nodeNginx.url("/");
        String podUrl = "http://" + web.ip() + ":" + StandardImages.NGINX_PORT + "/";
        awaitHttp(podUrl, "nginx in the pod");
        ComparisonResult http;
        try (BenchMeasure load = new BenchMeasure(BenchReport.scratch(), System.out::println)) {
          http = Gates.overhead(http(load.measure(), "node a5 nginx", nodeUrl, s.httpSeconds()),
                  http(load.measure(), "pod on a5 nginx", podUrl, s.httpSeconds()))
              .rounds(s.rounds(), s.rounds()).evaluate();
        }
        out.println(http.summary());
        out.printf(Locale.ROOT, "HTTP on a5 (from the host, %d connections, %d s): node nginx %.0f req/s,"
                + " pod nginx %.0f req/s, overhead %.1f %% (paired median, CI [%.1f %%, %.1f %%])%n",
            HTTP_CONNECTIONS, s.httpSeconds(), median(http.baselineValues()), median(http.subjectValues()),
            http.medianOverheadPercent(), http.ciLowPercent(), http.ciHighPercent());
      } finally {
        deleteQuietly(nginxDir);
      }
      return tcp;
    }
  }

  private static Measurement http(Measure measure, String label, String url, int seconds) {
    return Measurement.named(label + " req/s (" + url + ")", () -> {
      HttpLoadResult r = measure.http(url).connections(HTTP_CONNECTIONS).seconds(seconds).run();
      if (r.errors() > 0) {
        throw new PodgateException(label + ": " + r.errors() + " errors in the HTTP load run against " + url);
      }
      return r.averageRequestsPerSecond();
    });
  }

  /** Polls {@code url} until it answers 200, for at most 20 s; {@code what} names the server in the failure. */
  static void awaitHttp(String url, String what) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    java.net.http.HttpClient c = java.net.http.HttpClient.newBuilder()
        .proxy(java.net.http.HttpClient.Builder.NO_PROXY).connectTimeout(Duration.ofSeconds(2)).build();
    while (true) {
      try {
        if (c.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
            java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
          throw new PodgateException("interrupted while waiting for " + url, e);
        }
      }
      if (System.nanoTime() > deadline) {
        throw new PodgateException(what + " did not answer 200 at " + url + " within 20 s");
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PodgateException("interrupted while waiting for " + url, e);
      }
    }
  }

  static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static void deleteQuietly(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException ignored) {
      // a leftover nginx directory under the work dir is harmless
    }
  }
}
