package io.podgate.internal.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.podgate.internal.image.BuiltImage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * containerd-stress itself (built by {@code ci/containerd-stress} from Debian's containerd source)
 * against the same daemon in the same run: the peer the churn target names. It always pulls its
 * image, so the busybox archive is served by Debian's docker-registry on 127.0.0.1 (plain HTTP, which
 * containerd uses for loopback registries), put there with skopeo. The registry is stopped by PID and
 * its directory removed before {@link #run} returns.
 */
final class ContainerdStressPeer {
  static final Path REGISTRY = Path.of("/usr/bin/docker-registry");
  static final Path SKOPEO = Path.of("/usr/bin/skopeo");

  /** What containerd-stress printed with --json, plus its command line. */
  record Result(int workers, long containers, long failures, double seconds, String command) {
    double containersPerSecond() {
      return containers / seconds;
    }

    String summary() {
      return String.format(Locale.ROOT, "containerd-stress -c %d: %d containers in %.1f s = %.2f/s, %d failure(s)",
          workers, containers, seconds, containersPerSecond(), failures);
    }
  }

  private ContainerdStressPeer() {}

  /** Why the peer cannot run here, or null when it can. */
  static String unavailable(Path binary) {
    for (Path p : List.of(binary, REGISTRY, SKOPEO)) {
      if (!Files.isExecutable(p)) {
        return p + " is missing (ci/containerd-stress builds the first; ci/install installs the others)";
      }
    }
    return null;
  }

  static Result run(Path binary, Path socket, BuiltImage busybox, int workers, Duration duration, Path workDir) {
    Path dir;
    try {
      dir = Files.createTempDirectory(workDir, "stress-registry-");
    } catch (IOException e) {
      throw new IllegalStateException("cannot create the registry directory under " + workDir + ": " + e.getMessage(), e);
    }
    Process registry = null;
    try {
      int port = freePort();
      Path config = Files.writeString(dir.resolve("config.yml"), String.join("\n", "version: 0.1", "log:",
          "  level: error", "storage:", "  filesystem:", "    rootdirectory: " + dir.resolve("data"), "http:",
          "  addr: 127.0.0.1:" + port, ""));
      registry = new ProcessBuilder(REGISTRY.toString(), "serve", config.toString()).redirectErrorStream(true)
          .redirectOutput(dir.resolve("registry.log").toFile()).start();
      awaitRegistry(port, registry, dir);
      String image = "127.0.0.1:" + port + "/podgate/busybox:1";
      run(List.of(SKOPEO.toString(), "copy", "-q", "--dest-tls-verify=false", "oci-archive:" + busybox.archive(),
          "docker://" + image), Duration.ofMinutes(2));
      List<String> command = List.of(binary.toString(), "--address", socket.toString(), "--image", image, "--json",
          "-c", Integer.toString(workers), "-d", duration.toSeconds() + "s");
      String out = run(command, duration.plusMinutes(2));
      return parse(out, workers, String.join(" ", command));
    } catch (IOException e) {
      throw new IllegalStateException("containerd-stress peer: " + e.getMessage(), e);
    } finally {
      if (registry != null) {
        registry.destroy();
        try {
          if (!registry.waitFor(10, TimeUnit.SECONDS)) {
            registry.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      io.podgate.internal.runtime.FileTrees.delete(dir);
    }
  }

  /** The JSON object containerd-stress prints last with --json (it may log before it). */
  static Result parse(String output, int workers, String command) {
    int start = output.lastIndexOf('{');
    if (start < 0) {
      throw new IllegalStateException("containerd-stress printed no JSON result: " + output.strip());
    }
    try {
      JsonNode n = new ObjectMapper().readTree(output.substring(start));
      long total = n.path("total").asLong();
      long failures = n.path("failures").asLong();
      double seconds = n.path("seconds").asDouble();
      if (!(seconds > 0)) {
        throw new IllegalStateException("containerd-stress's JSON result has no duration: " + n);
      }
      return new Result(workers, total - failures, failures, seconds, command);
    } catch (IOException e) {
      throw new IllegalStateException("containerd-stress's JSON result is unreadable: " + output.substring(start), e);
    }
  }

  private static void awaitRegistry(int port, Process registry, Path dir) throws IOException {
    HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      if (!registry.isAlive()) {
        throw new IOException("docker-registry exited with " + registry.exitValue() + ": "
            + Files.readString(dir.resolve("registry.log")).strip());
      }
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/"))
            .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for docker-registry", e);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for docker-registry", e);
      }
    }
    throw new IOException("docker-registry on 127.0.0.1:" + port + " did not answer within 20 s");
  }

  private static String run(List<String> command, Duration timeout) throws IOException {
    Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
    try {
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s");
      }
      String text = new String(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " exited with " + p.exitValue() + ": " + text.strip());
      }
      return text;
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", command), e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
