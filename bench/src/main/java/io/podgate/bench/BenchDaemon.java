package io.podgate.bench;

import io.podgate.internal.cri.CriClient;
import io.podgate.internal.image.StandardImages;
import io.podgate.internal.measure.churn.ChurnEngine;
import io.podgate.internal.runtime.EmbeddedContainerd;
import java.nio.file.Path;

/**
 * The containerd a benchmark main talks to: an existing one ({@code --socket PATH}) or an
 * EmbeddedContainerd on the bridge/subnet of the system properties {@value #BRIDGE_PROPERTY} and
 * {@value #SUBNET_PROPERTY} (defaults {@value #DEFAULT_BRIDGE}, {@value #DEFAULT_SUBNET}).
 * The pause and busybox images are imported when missing.
 */
final class BenchDaemon implements AutoCloseable {
  static final String BRIDGE_PROPERTY = "podgate.bridge";
  static final String SUBNET_PROPERTY = "podgate.subnet";
  static final String DEFAULT_BRIDGE = "podgate0";
  static final String DEFAULT_SUBNET = "10.88.0.0/16";

  private final EmbeddedContainerd embedded;
  private final CriClient cri;
  private final Path socket;

  private BenchDaemon(EmbeddedContainerd embedded, CriClient cri, Path socket) {
    this.embedded = embedded;
    this.cri = cri;
    this.socket = socket;
  }

  /** @param socket an existing containerd's socket, or null to start an embedded one */
  static BenchDaemon open(Path socket, String name) {
    BenchDaemon d;
    if (socket != null) {
      d = new BenchDaemon(null, CriClient.connect(socket), socket);
    } else {
      EmbeddedContainerd e = EmbeddedContainerd.start(EmbeddedContainerd.Options.builder()
          .name(name)
          .bridgeName(System.getProperty(BRIDGE_PROPERTY, DEFAULT_BRIDGE))
          .podSubnet(System.getProperty(SUBNET_PROPERTY, DEFAULT_SUBNET))
          .sandboxImage(StandardImages.PAUSE_REFERENCE)
          .build());
      d = new BenchDaemon(e, e.cri(), e.socket());
    }
    try {
      ChurnEngine.ensureStandardImage(d.cri, StandardImages.PAUSE_REFERENCE);
      ChurnEngine.ensureStandardImage(d.cri, StandardImages.BUSYBOX_REFERENCE);
    } catch (RuntimeException e) {
      d.close();
      throw e;
    }
    return d;
  }

  CriClient cri() {
    return cri;
  }

  Path socket() {
    return socket;
  }

  /** The embedded daemon's log; empty for an existing containerd. */
  java.util.Optional<Path> containerdLog() {
    return embedded == null ? java.util.Optional.empty() : java.util.Optional.of(embedded.logFile());
  }

  String describe() {
    return embedded != null ? "embedded " + embedded : "existing containerd at " + cri.endpoint();
  }

  @Override
  public void close() {
    if (embedded != null) {
      embedded.close();
    } else {
      cri.close();
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
