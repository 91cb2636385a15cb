package io.podgate.internal.measure.churn;

import io.podgate.internal.cri.CriClient;
import io.podgate.internal.image.BuiltImage;
import io.podgate.internal.image.OciArchiveImporter;
import io.podgate.internal.image.StandardImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private containerd with the CRI plugin for churn tests (bridge pgchu0, 10.205.0.0/24), stopped by
 * its PID on {@link #close()}. Stand-in until EmbeddedContainerd is available on this branch.
 */
public final class CriTestDaemon implements AutoCloseable {
  public static final String BRIDGE = "pgchu0";
  public static final String SUBNET = "10.205.0.0/24";
  static final Path BASE = Path.of("/tmp/pg-churn");

  private final Path dir;
  private final Process process;
  private final CriClient cri;

  private CriTestDaemon(Path dir, Process process, CriClient cri) {
    this.dir = dir;
    this.process = process;
    this.cri = cri;
  }

  public static CriTestDaemon start() throws IOException, InterruptedException {
    Files.createDirectories(BASE);
    Path dir = Files.createTempDirectory(BASE, "ctd-");
    Path socket = dir.resolve("containerd.sock");
    Path cniConf = Files.createDirectories(dir.resolve("cni"));
    Files.writeString(cniConf.resolve("10-" + BRIDGE + ".conflist"), String.join("\n",
        "{\"cniVersion\": \"0.4.0\", \"name\": \"" + BRIDGE + "\", \"plugins\": [",
        "  {\"type\": \"bridge\", \"bridge\": \"" + BRIDGE + "\", \"isGateway\": true, \"ipMasq\": false,",
        "   \"ipam\": {\"type\": \"host-local\", \"ranges\": [[{\"subnet\": \"" + SUBNET + "\"}]],",
        "            \"dataDir\": \"" + dir.resolve("ipam") + "\"}}",
        "]}", ""), StandardCharsets.UTF_8);
    String config = String.join("\n",
        "version = 2",
        "root = \"" + dir.resolve("root") + "\"",
        "state = \"" + dir.resolve("state") + "\"",
        "[grpc]",
        "  address = \"" + socket + "\"",
        "[ttrpc]",
        "  address = \"" + socket + ".ttrpc\"",
        "[debug]",
        "  address = \"\"",
        "[metrics]",
        "  address = \"\"",
        "[plugins.\"io.containerd.internal.v1.opt\"]",
        "  path = \"" + dir.resolve("opt") + "\"",
        "[plugins.\"io.containerd.grpc.v1.cri\"]",
        "  sandbox_image = \"" + StandardImages.PAUSE_REFERENCE + "\"",
        "  restrict_oom_score_adj = true",
        "  [plugins.\"io.containerd.grpc.v1.cri\".cni]",
        "    bin_dir = \"/usr/lib/cni\"",
        "    conf_dir = \"" + cniConf + "\"",
        "    max_conf_num = 1",
        "");
    Path configFile = dir.resolve("config.toml");
    Files.writeString(configFile, config, StandardCharsets.UTF_8);
    Path log = dir.resolve("containerd.log");
    Process process = new ProcessBuilder("containerd", "--config", configFile.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    CriTestDaemon d = new CriTestDaemon(dir, process, CriClient.connect(socket));
    try {
      d.awaitReady(log);
      BuiltImage pause = new StandardImages(StandardImages.defaultCacheDir()).pause();
      new OciArchiveImporter(d.cri.channel(), d.cri.endpoint()).importArchive(pause.archive(), pause.reference());
    } catch (RuntimeException | IOException | InterruptedException e) {
      d.close();
      throw e;
    }
    return d;
  }

  private void awaitReady(Path log) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("test containerd exited with " + process.exitValue() + ":\n" + Files.readString(log));
      }
      if (Files.exists(dir.resolve("containerd.sock"))) {
        try {
          if (CriClient.conditionMet(cri.status(), "RuntimeReady")) {
            return;
          }
        } catch (RuntimeException e) {
          last = e;
        }
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("test containerd not ready within 30 s:\n" + Files.readString(log), last);
  }

  public CriClient cri() {
    return cri;
  }

  public Path dir() {
    return dir;
  }

  @Override
  public void close() {
    cri.close();
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
    try {
      new ProcessBuilder("ip", "link", "delete", BRIDGE).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      // bridge may not exist
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    unmountUnder(dir);
    deleteTree(dir);
  }

  /** Overlay/shm mounts containerd may leave under its root if it was killed. */
  private static void unmountUnder(Path root) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
        String[] f = line.split(" ");
        if (f.length > 1 && f[1].startsWith(root.toString())) {
          new ProcessBuilder("umount", "-l", f[1]).redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
        }
      }
    } catch (IOException e) {
      // best effort
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // best effort
        }
      });
    } catch (IOException ignored) {
      // best effort
    }
  }
}
