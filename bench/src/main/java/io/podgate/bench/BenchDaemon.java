package io.podgate.bench;

import io.podgate.internal.runtime.ContainerdOptions;
import io.podgate.PodgateException;
import io.podgate.internal.containerd.ContainerdAccess;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.image.StandardImages;
import io.podgate.internal.measure.churn.ChurnEngine;
import io.podgate.internal.measure.churn.LabelSweep;
import io.podgate.internal.runtime.EmbeddedContainerd;
import io.podgate.internal.watchdog.Watchdog;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The one place a benchmark gets its containerd: an existing one ({@code --socket PATH}) or an
 * EmbeddedContainerd on the bridge/subnet of the system properties {@value #BRIDGE_PROPERTY} and
 * {@value #SUBNET_PROPERTY} (defaults {@value #DEFAULT_BRIDGE}, {@value #DEFAULT_SUBNET}), with a
 * watchdog that cleans up should the benchmark's JVM die. The standard images it is given are
 * imported when missing. Closing it stops the embedded daemon (or disconnects), then the watchdog.
 */
final class BenchDaemon implements AutoCloseable {
  static final String BRIDGE_PROPERTY = "podgate.bridge";
  static final String SUBNET_PROPERTY = "podgate.subnet";
  /** podgate's work directory (a test session's containerd, pods and logs live under it). */
  static final String WORKDIR_PROPERTY = "podgate.workdir";
  static final String DEFAULT_BRIDGE = "podgate0";
  static final String DEFAULT_SUBNET = "10.88.0.0/16";

  /** The standard images every seed run needs: pause, busybox, debug and nginx. */
  static final List<String> SEED_IMAGES = List.of(StandardImages.PAUSE_REFERENCE, StandardImages.BUSYBOX_REFERENCE,
      StandardImages.DEBUG_REFERENCE, StandardImages.NGINX_REFERENCE);
  /** The image churn and its peers run (busybox). */
  static final String BUSYBOX = StandardImages.BUSYBOX_REFERENCE;

  /**
   * @param socket an existing containerd's socket, or null to start an embedded one on {@code bridge}/{@code subnet}
   * @param baseDir the embedded daemon's directory, or null for EmbeddedContainerd's default
   * @param images standard image references imported when missing
   * @param runId with {@code workDir}: the watchdog's session id; null: no watchdog
   * @param workDir what the watchdog removes, with every process naming it, should this JVM die
   */
  record Spec(Path socket, String name, String bridge, String subnet, Path baseDir, List<String> images,
      String runId, Path workDir) {
    /** A daemon for a single-purpose main: pause and busybox, no watchdog. */
    static Spec simple(Path socket, String name) {
      return new Spec(socket, name, System.getProperty(BRIDGE_PROPERTY, DEFAULT_BRIDGE),
          System.getProperty(SUBNET_PROPERTY, DEFAULT_SUBNET), null,
          List.of(StandardImages.PAUSE_REFERENCE, StandardImages.BUSYBOX_REFERENCE), null, null);
    }
  }

  private final EmbeddedContainerd embedded;
  private final CriClient cri;
  private final Path socket;
  private Process watchdog;

  private BenchDaemon(EmbeddedContainerd embedded, CriClient cri, Path socket) {
    this.embedded = embedded;
    this.cri = cri;
    this.socket = socket;
  }

  /** @param socket an existing containerd's socket, or null to start an embedded one */
  static BenchDaemon open(Path socket, String name) {
    return start(Spec.simple(socket, name), line -> {});
  }

  /** Starts (or connects to) the daemon, its watchdog and the images; {@code log} gets what was started. */
  static BenchDaemon start(Spec spec, Consumer<String> log) {
    BenchDaemon d;
    if (spec.socket() != null) {
      d = new BenchDaemon(null, CriClient.connect(spec.socket()), spec.socket());
    } else {
      ContainerdOptions.Builder o = ContainerdOptions.builder()
          .name(spec.name())
          .bridgeName(spec.bridge())
          .podSubnet(spec.subnet())
          .sandboxImage(StandardImages.PAUSE_REFERENCE);
      if (spec.baseDir() != null) {
        o.baseDir(spec.baseDir());
      }
      EmbeddedContainerd e = EmbeddedContainerd.start(o.build());
      d = new BenchDaemon(e, e.cri(), e.socket());
    }
    try {
      if (d.embedded != null && spec.runId() != null && spec.workDir() != null) {
        // if this JVM is killed, the watchdog removes the daemon, its pods, bridge and rules, and what
        // else runs from the work directory (host nginx, the containerd-stress registry)
        EmbeddedContainerd e = d.embedded;
        d.watchdog = Watchdog.spawn(new Watchdog.Args(ProcessHandle.current().pid(), ProcessHandle.current().info()
            .startInstant().map(Instant::toEpochMilli).orElse(0L), e.socket(), spec.runId(), spec.workDir(),
            e.pid(), e.options().bridgeName(), e.options().podSubnet().toString()));
        log.accept("watchdog pid " + d.watchdog.pid() + " cleans up should this JVM die");
      }
      for (String image : spec.images()) {
        ChurnEngine.ensureStandardImage(d.cri, image);
        if (d.cri.imageStatus(image).isEmpty()) {
          throw new PodgateException("image " + image + " is not in the runtime after importing it");
        }
      }
    } catch (RuntimeException e) {
      d.close();
      throw e;
    }
    return d;
  }

  CriClient cri() {
    return cri;
  }

  /** This daemon as a pod backend: pods labelled {@code labels}, their logs under {@code logs}; close it after use. */
  DaemonBackend backend(Map<String, String> labels, Path logs) {
    return new DaemonBackend(this, labels, logs);
  }

  /** Removes every pod (with its containers) labelled {@code key=value}; {@code owner} names them in messages. */
  void removePods(String key, String value, String owner) {
    LabelSweep.removeAll(cri, key, value, owner);
  }

  /** podgate's busybox image as an OCI archive (built from the host's binaries into the image cache if missing). */
  static Path busyboxArchive() {
    return new StandardImages(StandardImages.defaultCacheDir()).busybox().archive();
  }

  /** containerd's own API on the same socket (this daemon is containerd: embedded, or the socket given). */
  ContainerdAccess containerd() {
    return new ContainerdAccess(cri.channel(), cri.endpoint());
  }

  Path socket() {
    return socket;
  }

  /** The embedded daemon, if this one was started here. */
  Optional<EmbeddedContainerd> embedded() {
    return Optional.ofNullable(embedded);
  }

  /** The embedded daemon's log; empty for an existing containerd. */
  Optional<Path> containerdLog() {
    return embedded().map(EmbeddedContainerd::logFile);
  }

  String describe() {
    return embedded != null ? "embedded " + embedded : "existing containerd at " + cri.endpoint();
  }

  @Override
  public void close() {
    try {
      if (embedded != null) {
        embedded.close();
      } else {
        cri.close();
      }
    } finally {
      stopWatchdog();
    }
  }

  private void stopWatchdog() {
    Process w = watchdog;
    if (w == null) {
      return;
    }
    w.destroy();
    try {
      if (!w.waitFor(5, TimeUnit.SECONDS)) {
        w.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      w.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Value after {@code --name} in {@code args}, or {@code fallback}. */
  static String arg(String[] args, String name, String fallback) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }

  static boolean flag(String[] args, String name) {
    for (String a : args) {
      if (a.equals(name)) {
        return true;
      }
    }
    return false;
  }

  static int intArg(String[] args, String name, int fallback) {
    String v = arg(args, name, null);
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " needs a whole number, got '" + v + "'");
    }
  }
}
