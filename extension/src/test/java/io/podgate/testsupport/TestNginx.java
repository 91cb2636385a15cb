package io.podgate.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A private nginx (single process, master_process off) on 127.0.0.1 and a free port, with config,
 * pid, temp and log files under a given directory; stopped by its PID.
 * Used by the extension's and the bench module's tests.
 */
public final class TestNginx implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/sbin/nginx");
  public static final String BODY = "hello from podgate's test nginx\n";

  final Path dir;
  final int port;
  private final Process process;

  private TestNginx(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  /** Starts nginx; {@code keepaliveRequests} caps requests per connection before nginx closes it. */
  public static TestNginx start(Path dir, int keepaliveRequests) throws IOException, InterruptedException {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(BINARY + " missing: install Debian's nginx-light (ci/install does)");
    }
    int port = freePort();
    Path root = Files.createDirectories(dir.resolve("html"));
    Files.writeString(root.resolve("index.html"), BODY);
    Files.createDirectories(dir.resolve("tmp"));
    String conf =
        String.join(
            "\n",
            "daemon off;",
            "master_process off;",
            "worker_processes 1;",
            "pid " + dir.resolve("nginx.pid") + ";",
            "error_log " + dir.resolve("error.log") + " warn;",
            "events { worker_connections 1024; }",
            "http {",
            "  access_log " + dir.resolve("access.log") + ";",
            "  client_body_temp_path " + dir.resolve("tmp/body") + ";",
            "  proxy_temp_path " + dir.resolve("tmp/proxy") + ";",
            "  fastcgi_temp_path " + dir.resolve("tmp/fastcgi") + ";",
            "  uwsgi_temp_path " + dir.resolve("tmp/uwsgi") + ";",
            "  scgi_temp_path " + dir.resolve("tmp/scgi") + ";",
            "  keepalive_requests " + keepaliveRequests + ";",
            "  server {",
            "    listen 127.0.0.1:" + port + ";",
            "    root " + root + ";",
            "  }",
            "}",
            "");
    Path confFile = dir.resolve("nginx.conf");
    Files.writeString(confFile, conf, StandardCharsets.UTF_8);
    Process p =
        new ProcessBuilder(
                BINARY.toString(), "-e", dir.resolve("error.log").toString(), "-p", dir + "/", "-c", confFile.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("stdout.log").toFile())
            .start();
    TestNginx nginx = new TestNginx(dir, port, p);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      if (!p.isAlive()) {
        throw new IllegalStateException(
            "nginx exited with " + p.exitValue() + ": " + Files.readString(dir.resolve("stdout.log"))
                + readIfExists(dir.resolve("error.log")));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return nginx;
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline) {
          nginx.close();
          throw new IllegalStateException("nginx did not listen on 127.0.0.1:" + port + " within 10 s");
        }
        Thread.sleep(20);
      }
    }
  }

  public String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  /** Requests nginx logged so far (access log lines). */
  public long loggedRequests() throws IOException {
    Path log = dir.resolve("access.log");
    if (!Files.exists(log)) {
      return 0;
    }
    try (var lines = Files.lines(log)) {
      return lines.count();
    }
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static String readIfExists(Path p) throws IOException {
    return Files.exists(p) ? Files.readString(p) : "";
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
  }
}
