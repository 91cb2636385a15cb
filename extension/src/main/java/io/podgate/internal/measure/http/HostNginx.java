package io.podgate.internal.measure.http;

import io.podgate.PodgateException;
import io.podgate.internal.image.NginxConf;
import io.podgate.internal.image.StandardImages;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * nginx on the host at 127.0.0.1 and a free port, configured like podgate's nginx image (master
 * and {@code auto} workers, access log off, keep-alive, same index body), so it is the baseline an
 * nginx pod is compared with. Config, pid, temp and log files live in a directory it is given.
 * Stopped by its master's PID; workers left behind are ended by their PIDs.
 */
public final class HostNginx implements AutoCloseable {
  public static final Path BINARY = Path.of("/usr/sbin/nginx");
  private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final Path dir;
  private final String address;
  private final int port;
  private final Process process;

  private HostNginx(Path dir, String address, int port, Process process) {
    this.dir = dir;
    this.address = address;
    this.port = port;
    this.process = process;
  }

  /** Starts nginx serving {@link StandardImages#NGINX_INDEX_BODY} at {@code /}, like the nginx image. */
  public static HostNginx start(Path dir) {
    return start(dir, StandardImages.NGINX_INDEX_BODY);
  }

  /**
   * Starts nginx serving {@code body} at {@code /}. {@code dir} must be empty or absent; it is made
   * world-readable because the workers run as nobody.
   */
  public static HostNginx start(Path dir, String body) {
    return start(dir, body, List.of(), "127.0.0.1", 0);
  }

  /**
   * Starts nginx listening on {@code address:port} (port 0: a free loopback port), launched behind
   * {@code commandPrefix}, e.g. {@code ip netns exec <ns>} to run it in a network namespace whose
   * address this host can reach.
   */
  public static HostNginx start(Path dir, String body, List<String> commandPrefix, String address, int fixedPort) {
    if (!Files.isExecutable(BINARY)) {
      throw new PodgateException(BINARY + " is missing: install Debian's nginx-light (ci/install does)");
    }
    int port;
    Process p;
    try {
      Path root = dir.resolve("html");
      Files.createDirectories(root);
      Files.createDirectories(dir.resolve("tmp"));
      for (Path d : List.of(dir, root)) {
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
      requireTraversable(dir.toAbsolutePath().getParent());
      Files.writeString(root.resolve("index.html"), body, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(root.resolve("index.html"), PosixFilePermissions.fromString("rw-r--r--"));
      port = fixedPort > 0 ? fixedPort : freePort();
      Path conf = dir.resolve("nginx.conf");
      Files.writeString(conf, config(dir, root, address, port), StandardCharsets.UTF_8);
      List<String> command = new ArrayList<>(commandPrefix);
      command.addAll(List.of(BINARY.toString(), "-e", dir.resolve("error.log").toString(), "-p", dir + "/",
          "-c", conf.toString()));
      p = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("stdout.log").toFile())
          .start();
    } catch (IOException e) {
      throw new PodgateException("could not prepare or start nginx in " + dir + ": " + e.getMessage(), e);
    }
    HostNginx nginx = new HostNginx(dir, address, port, p);
    try {
      nginx.awaitListening();
    } catch (RuntimeException e) {
      nginx.close();
      throw e;
    }
    return nginx;
  }

  /** nginx workers run as nobody: every directory above the web root must let others through. */
  private static void requireTraversable(Path dir) throws IOException {
    for (Path d = dir; d != null; d = d.getParent()) {
      if (!Files.getPosixFilePermissions(d).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
        throw new PodgateException("nginx workers run as nobody and cannot pass " + d + " (mode "
            + PosixFilePermissions.toString(Files.getPosixFilePermissions(d)) + "); put the nginx directory"
            + " under a directory others may traverse (chmod o+x), e.g. /tmp/<name>");
      }
    }
  }

  static String config(Path dir, Path root, int port) {
    return config(dir, root, "127.0.0.1", port);
  }

  static String config(Path dir, Path root, String address, int port) {
    return new NginxConf(dir.resolve("nginx.pid").toString(), dir.resolve("error.log").toString(),
        dir.resolve("tmp") + "/", address + ":" + port, root.toString()).render();
  }

  private void awaitListening() {
    long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
    while (true) {
      if (!process.isAlive()) {
        throw new PodgateException("nginx exited with " + process.exitValue() + " before listening on " + address + ":"
            + port + ": " + readQuietly(dir.resolve("stdout.log")) + readQuietly(dir.resolve("error.log"))
            + " (config " + dir.resolve("nginx.conf") + ")");
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getByName(address), port), 200);
        return;
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline) {
          throw new PodgateException("nginx (pid " + process.pid() + ") did not listen on " + address + ":" + port
              + " within 10 s; see " + dir.resolve("error.log"));
        }
        sleep(20);
      }
    }
  }

  public int port() {
    return port;
  }

  /** The master's PID. */
  public long pid() {
    return process.pid();
  }

  /** PIDs of the workers running now. */
  public List<Long> workerPids() {
    return process.toHandle().children().map(ProcessHandle::pid).toList();
  }

  public String url(String path) {
    return "http://" + address + ":" + port + path;
  }

  public Path dir() {
    return dir;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** TERM to the master (which ends its workers), KILL after 10 s; then any worker still there by its PID. */
  @Override
  public void close() {
    List<ProcessHandle> workers = new ArrayList<>(process.toHandle().children().toList());
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
      for (ProcessHandle w : workers) {
        if (w.isAlive()) {
          w.destroyForcibly();
          w.onExit().get(5, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      throw new PodgateException("nginx worker of master pid " + process.pid() + " did not exit: " + e, e);
    }
  }

  @Override
  public String toString() {
    return "nginx pid " + process.pid() + " on " + address + ":" + port;
  }

  /** A TCP port free on 127.0.0.1 now. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static String readQuietly(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PodgateException("interrupted while waiting for nginx to listen", e);
    }
  }
}
