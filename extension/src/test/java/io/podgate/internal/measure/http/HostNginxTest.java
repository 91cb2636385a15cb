package io.podgate.internal.measure.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podgate.PodgateException;
import io.podgate.internal.image.StandardImages;
import io.podgate.testsupport.RequiresContainerd;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostNginxTest {
  private static final Path BASE = Path.of("/tmp/pg-bench");

  @Test
  void hostConfigIsThePodImagesButForWhereItRuns() {
    String host = HostNginx.config(Path.of("/tmp/n"), Path.of("/tmp/n/html"), "127.0.0.1", 8080);
    String pod = StandardImages.nginxConf();
    assertThat(host).isNotEqualTo(pod);
    assertThat(settings(host)).isEqualTo(settings(pod)).contains("worker_processes auto;", "keepalive_requests 1000000;");
  }

  /** The config without the lines that say where nginx runs (files, address, web root). */
  private static List<String> settings(String conf) {
    return conf.lines().map(String::strip)
        .filter(l -> !l.matches("(pid|error_log|\\w+_temp_path|listen|root) .*")).toList();
  }

  @RequiresContainerd
  @Test
  void servesTheImageBodyAndStopsMasterAndWorkers() throws Exception {
    Path dir = freshDir("nginx-");
    List<Long> workers;
    long master;
    try (HostNginx nginx = HostNginx.start(dir.resolve("n")); AutoCloseable cleanup = () -> delete(dir)) {
      master = nginx.pid();
      workers = nginx.workerPids();
      HttpResponse<String> r = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build()
          .send(HttpRequest.newBuilder(URI.create(nginx.url("/"))).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo(StandardImages.NGINX_INDEX_BODY);
      assertThat(workers).as("nginx runs workers like the image's").isNotEmpty();
    }
    assertThat(ProcessHandle.of(master)).isEmpty();
    assertThat(workers).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(
        java.util.Optional.of(true)));
  }

  @RequiresContainerd
  @Test
  void directoryWorkersCannotReachIsNamed() throws Exception {
    Path closed = freshDir("closed-");
    Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
    try {
      assertThatThrownBy(() -> HostNginx.start(closed.resolve("n")))
          .isInstanceOf(PodgateException.class)
          .hasMessageContaining(closed.toString())
          .hasMessageContaining("nobody");
    } finally {
      delete(closed);
    }
  }

  private static void delete(Path dir) throws Exception {
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static Path freshDir(String prefix) throws Exception {
    Files.createDirectories(BASE);
    Path d = Files.createTempDirectory(BASE, prefix);
    Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
    return d;
  }
}
