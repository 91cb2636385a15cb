package io.podgate.testsupport;

import io.podgate.internal.measure.churn.ChurnEngine;
import io.podgate.internal.runtime.ContainerdOptions;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.image.StandardImages;
import io.podgate.internal.runtime.EmbeddedContainerd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** An EmbeddedContainerd on churn's bridge pgchu0 / 10.205.0.0/24 with the pause image imported. */
public final class CriTestDaemon implements AutoCloseable {
  public static final String BRIDGE = "pgchu0";
  public static final String SUBNET = "10.205.0.0/24";
  public static final Path BASE = Path.of("/tmp/pg-churn");

  private final EmbeddedContainerd daemon;

  private CriTestDaemon(EmbeddedContainerd daemon) {
    this.daemon = daemon;
  }

  public static CriTestDaemon start() throws IOException {
    Files.createDirectories(BASE);
    Path base = Files.createTempDirectory(BASE, "ctd-");
    Files.delete(base);
    EmbeddedContainerd d = EmbeddedContainerd.start(ContainerdOptions.builder()
        .name("churn-test").bridgeName(BRIDGE).podSubnet(SUBNET).baseDir(base)
        .sandboxImage(StandardImages.PAUSE_REFERENCE).build());
    try {
      ChurnEngine.ensureStandardImage(d.cri(), StandardImages.PAUSE_REFERENCE);
    } catch (RuntimeException e) {
      d.close();
      throw e;
    }
    return new CriTestDaemon(d);
  }

  public CriClient cri() {
    return daemon.cri();
  }

  public EmbeddedContainerd daemon() {
    return daemon;
  }

  @Override
  public void close() {
    daemon.close();
  }
}
