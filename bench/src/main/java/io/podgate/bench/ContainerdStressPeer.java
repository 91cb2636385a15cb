package io.podgate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.podgate.internal.host.FileTrees;
import io.podgate.internal.host.HostCommand;
import io.podgate.internal.host.RuncLeftovers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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
  /** Where skopeo run as root keeps its blob cache; removed afterwards when it was not there. */
  static final Path SKOPEO_CACHE = Path.of("/var/lib/containers");

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

  /** containerd-stress's default containerd namespace. */
  static final String NAMESPACE = "stress";

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

  /** @param busybox podgate's busybox image as an OCI archive, served to containerd-stress */
  static Result run(Path binary, Path socket, Path busybox, int workers, Duration duration, Path workDir) {
    Path dir;
    try {
      dir = Files.createTempDirectory(workDir, "stress-registry-");
    } catch (IOException e) {
      throw new IllegalStateException("cannot create the registry directory under " + workDir + ": " + e.getMessage(), e);
    }
    Process registry = null;
    Set<Path> namespaceDirsBefore = RuncLeftovers.namespaceDirectories(NAMESPACE);
    boolean skopeoCacheWasThere = Files.exists(SKOPEO_CACHE);
    try {
      int port = freePort();
      Path config = Files.writeString(dir.resolve("config.yml"), String.join("\n", "version: 0.1", "log:",
          "  level: error", "storage:", "  filesystem:", "    rootdirectory: " + dir.resolve("data"), "http:",
          "  addr: 127.0.0.1:" + port, ""));
      registry = new ProcessBuilder(REGISTRY.toString(), "serve", config.toString()).redirectErrorStream(true)
          .redirectOutput(dir.resolve("registry.log").toFile()).start();
      CrossNodeBenchmark.awaitHttp("http://127.0.0.1:" + port + "/v2/", "docker-registry (log " + dir.resolve("registry.log")
          + ")");
      String image = "127.0.0.1:" + port + "/podgate/busybox:1";
      HostCommand.run(List.of(SKOPEO.toString(), "copy", "-q", "--dest-tls-verify=false", "oci-archive:" + busybox,
          "docker://" + image), null, Duration.ofMinutes(2)).orThrow("pushing busybox to the loopback registry");
      List<String> command = List.of(binary.toString(), "--address", socket.toString(), "--image", image, "--json",
          "-c", Integer.toString(workers), "-d", duration.toSeconds() + "s");
      String out = HostCommand.run(command, null, duration.plusMinutes(2)).orThrow("containerd-stress").output();
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
      FileTrees.delete(dir);
      if (!skopeoCacheWasThere) {
        FileTrees.delete(SKOPEO_CACHE);
      }
      RuncLeftovers.removeNamespaceDirectoriesMadeSince(namespaceDirsBefore, NAMESPACE);
    }
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
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
}
