package io.podgate.internal.image;

import io.grpc.ManagedChannel;
import io.podgate.internal.containerd.ContainerdHeaders;
import io.podgate.internal.containerd.leases.LeasesGrpc;
import io.podgate.internal.containerd.leases.ListRequest;
import io.podgate.internal.grpc.UnixSocketChannels;
import io.podgate.internal.host.FileTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A private containerd (from PATH) for tests: own root, state and socket under /tmp/pg-images,
 * CRI plugin disabled, stopped by its PID and its directory removed on {@link #close()}.
 */
final class TestContainerd implements AutoCloseable {
  static final Path BASE = Path.of("/tmp/pg-images");

  private final Path dir;
  private final Process process;
  private final UnixSocketChannels channels;

  private TestContainerd(Path dir, Process process, UnixSocketChannels channels) {
    this.dir = dir;
    this.process = process;
    this.channels = channels;
  }

  static TestContainerd start() throws IOException, InterruptedException {
    Files.createDirectories(BASE);
    Path dir = Files.createTempDirectory(BASE, "ctd-");
    Path socket = dir.resolve("containerd.sock");
    String config = String.join("\n",
        "version = 2",
        "root = \"" + dir.resolve("root") + "\"",
        "state = \"" + dir.resolve("state") + "\"",
        "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]",
        "[grpc]",
        "  address = \"" + socket + "\"",
        "[ttrpc]",
        "  address = \"" + socket + ".ttrpc\"",
        "[debug]",
        "  address = \"\"",
        "[metrics]",
        "  address = \"\"",
        "");
    Path configFile = dir.resolve("config.toml");
    Files.writeString(configFile, config, StandardCharsets.UTF_8);
    Path log = dir.resolve("containerd.log");
    Process process = new ProcessBuilder("containerd", "--config", configFile.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    UnixSocketChannels channels = UnixSocketChannels.open(socket);
    TestContainerd ctd = new TestContainerd(dir, process, channels);
    try {
      ctd.awaitReady(log);
    } catch (RuntimeException | IOException | InterruptedException e) {
      ctd.close();
      throw e;
    }
    return ctd;
  }

  private void awaitReady(Path log) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("test containerd exited with " + process.exitValue() + ":\n" + Files.readString(log));
      }
      if (Files.exists(socket())) {
        try {
          LeasesGrpc.newBlockingStub(channel())
              .withInterceptors(ContainerdHeaders.namespace(ContainerdHeaders.K8S_NAMESPACE))
              .withDeadlineAfter(2, TimeUnit.SECONDS)
              .list(ListRequest.getDefaultInstance());
          return;
        } catch (RuntimeException e) {
          last = e;
        }
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("test containerd at " + socket() + " not ready within 30 s:\n" + Files.readString(log), last);
  }

  Path socket() {
    return dir.resolve("containerd.sock");
  }

  String endpoint() {
    return "unix://" + socket();
  }

  ManagedChannel channel() {
    return channels.channel();
  }

  Path dir() {
    return dir;
  }

  long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    channels.close();
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    deleteTree(dir);
  }

  static void deleteTree(Path root) {
    if (!FileTrees.delete(root)) {
      throw new IllegalStateException("could not remove " + root);
    }
  }

}
