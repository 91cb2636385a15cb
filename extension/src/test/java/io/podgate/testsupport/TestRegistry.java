package io.podgate.testsupport;

import io.podgate.internal.host.FileTrees;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * Debian's docker-registry on 127.0.0.1:&lt;free port&gt; with htpasswd auth (plain HTTP), storage
 * under /tmp/pg-images; started and stopped by PID, its directory removed on {@link #close()}.
 */
public final class TestRegistry implements AutoCloseable {
  public static final Path BINARY = Path.of("/usr/bin/docker-registry");
  private static final Path BASE = Path.of("/tmp/pg-images");

  private final Path dir;
  private final Process process;
  private final int port;
  private final String user;

  private TestRegistry(Path dir, Process process, int port, String user) {
    this.dir = dir;
    this.process = process;
    this.port = port;
    this.user = user;
  }

  public static TestRegistry start(String user, String password) throws Exception {
    return start(user, password, 0);
  }

  /** On {@code port} (0: a free one), for fixtures whose annotations must name the registry. */
  public static TestRegistry start(String user, String password, int fixedPort) throws Exception {
    Files.createDirectories(BASE);
    Path dir = Files.createTempDirectory(BASE, "registry-");
    Process process = null;
    try {
      Path htpasswd = dir.resolve("htpasswd");
      Files.writeString(htpasswd, user + ":" + bcrypt(password, dir) + "\n");
      int port = fixedPort == 0 ? freePort() : fixedPort;
      Path config = dir.resolve("config.yml");
      Files.writeString(config, String.join("\n",
          "version: 0.1",
          "log:",
          "  level: info",
          "storage:",
          "  filesystem:",
          "    rootdirectory: " + dir.resolve("data"),
          "http:",
          "  addr: 127.0.0.1:" + port,
          "  secret: podgate-test-registry",
          "auth:",
          "  htpasswd:",
          "    realm: podgate",
          "    path: " + htpasswd,
          ""));
      process = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("registry.log").toFile())
          .start();
      TestRegistry registry = new TestRegistry(dir, process, port, user);
      registry.awaitReady();
      return registry;
    } catch (Exception e) {
      if (process != null) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      deleteTree(dir);
      throw e;
    }
  }

  private void awaitReady() throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("docker-registry exited " + process.exitValue() + ":\n" + log());
      }
      try {
        int code = http.send(HttpRequest.newBuilder(URI.create("http://" + hostPort() + "/v2/")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode();
        if (code == 401) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("docker-registry on " + hostPort() + " not ready in 20 s:\n" + log());
  }

  static final String SKOPEO_CACHE = "/var/lib/containers";

  public String hostPort() {
    return "127.0.0.1:" + port;
  }

  public String log() throws IOException {
    Path log = dir.resolve("registry.log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  /**
   * Pushes {@code archive} with skopeo, credentials in a private auth file rather than on the command line.
   * skopeo run as root keeps a blob cache in {@value #SKOPEO_CACHE}; it is removed again when it was not there.
   */
  public void push(Path archive, String repositoryAndTag, String password) throws Exception {
    boolean cacheWasThere = Files.exists(Path.of(SKOPEO_CACHE));
    Path auth = dir.resolve("auth.json");
    String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    Files.writeString(auth, "{\"auths\":{\"" + hostPort() + "\":{\"auth\":\"" + token + "\"}}}");
    Files.setPosixFilePermissions(auth, PosixFilePermissions.fromString("rw-------"));
    try {
      Process p = new ProcessBuilder("skopeo", "copy", "--quiet", "--dest-tls-verify=false", "--dest-authfile",
          auth.toString(), "oci-archive:" + archive, "docker://" + hostPort() + "/" + repositoryAndTag)
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException("skopeo could not push " + archive + " to " + hostPort() + ": " + out);
      }
    } finally {
      Files.deleteIfExists(auth);
      if (!cacheWasThere) {
        io.podgate.internal.host.FileTrees.delete(Path.of(SKOPEO_CACHE));
      }
    }
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    deleteTree(dir);
  }

  private static void deleteTree(Path root) {
    if (!FileTrees.delete(root)) {
      throw new IllegalStateException("could not remove " + root);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  /** bcrypt (the only htpasswd format docker-registry accepts) via the host's libcrypt, through python3. */
  private static String bcrypt(String password, Path dir) throws Exception {
    Path script = dir.resolve("bcrypt.py");
    Files.writeString(script, "import crypt, sys\n"
        + "print(crypt.crypt(sys.stdin.readline().rstrip('\\n'), crypt.mksalt(crypt.METHOD_BLOWFISH)))\n");
    Process p = new ProcessBuilder("python3", "-W", "ignore", script.toString()).redirectErrorStream(true).start();
    p.getOutputStream().write((password + "\n").getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0 || !out.startsWith("$2")) {
      throw new IllegalStateException("python3 could not bcrypt a password for htpasswd: " + out);
    }
    Files.delete(script);
    return out;
  }

}
