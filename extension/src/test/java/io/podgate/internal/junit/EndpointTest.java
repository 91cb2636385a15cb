package io.podgate.internal.junit;

import io.podgate.internal.runtime.ContainerdOptions;
import io.podgate.internal.host.PodgateLabels;
import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.CriContainer;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.internal.cri.v1.PodSandboxConfig;
import io.podgate.internal.cri.v1.PodSandboxMetadata;
import io.podgate.internal.image.OciArchiveImporter;
import io.podgate.internal.image.StandardImages;
import io.podgate.internal.pod.PodgateSession;
import io.podgate.internal.runtime.CriEndpoint;
import io.podgate.internal.runtime.EmbeddedContainerd;
import io.podgate.testsupport.FixtureOnly;
import io.podgate.testsupport.Fixtures;
import io.podgate.testsupport.RequiresContainerd;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** A configured CRI endpoint is used instead of an embedded daemon; pods of dead sessions there are removed at start. */
@RequiresContainerd
class EndpointTest {
  static final List<String> RUNTIMES = new CopyOnWriteArrayList<>();

  @Podgate
  @ExtendWith(FixtureOnly.class)
  static class OnEndpoint {
    @PodSandbox
    @CriContainer(name = "c", image = "podgate:busybox", command = {"sleep", "3600"})
    Pod pod;

    @Test
    void t() {
      try (PodgateSession.Lease lease = PodgateSession.acquire()) {
        RUNTIMES.add(lease.session().runtime());
        assertThat(lease.session().embedded()).isEmpty();
      }
      assertThat(pod.container("c").exec("true").exitCode()).isZero();
    }
  }

  @Test
  void explicitEndpointIsUsedAndOrphansOfDeadJvmsAreRemoved() throws Exception {
    assertThat(PodgateSession.active()).as("another test class still holds a session").isFalse();
    StandardImages images = new StandardImages(StandardImages.defaultCacheDir());
    try (EmbeddedContainerd daemon = EmbeddedContainerd.start(ContainerdOptions.builder()
        .name("pgtest-endpoint")
        .bridgeName(System.getProperty(PodgateSession.BRIDGE_PROPERTY, "pgtest0"))
        .podSubnet(System.getProperty(PodgateSession.SUBNET_PROPERTY, "10.87.0.0/24"))
        .baseDir(Path.of("/tmp/pg-junit/endpoint-" + UUID.randomUUID().toString().substring(0, 8)))
        .sandboxImage(StandardImages.PAUSE_REFERENCE)
        .build())) {
      new OciArchiveImporter(daemon.cri().channel(), daemon.cri().endpoint())
          .importArchive(images.pause().archive(), StandardImages.PAUSE_REFERENCE);
      Process gone = new ProcessBuilder("true").start();
      gone.waitFor();
      String orphan = daemon.cri().runPodSandbox(PodSandboxConfig.newBuilder()
          .setMetadata(PodSandboxMetadata.newBuilder().setName("orphan").setNamespace("default").setUid(UUID.randomUUID().toString()))
          .putLabels(PodgateLabels.SESSION, "deadbeef00")
          .putLabels(PodgateLabels.OWNER_PID, Long.toString(gone.pid()))
          .build());
      String bystander = daemon.cri().runPodSandbox(PodSandboxConfig.newBuilder()
          .setMetadata(PodSandboxMetadata.newBuilder().setName("not-podgate").setNamespace("default").setUid(UUID.randomUUID().toString()))
          .build());

      RUNTIMES.clear();
      System.setProperty(CriEndpoint.PROPERTY, "unix://" + daemon.socket());
      EngineExecutionResults results;
      try {
        results = Fixtures.run(OnEndpoint.class);
      } finally {
        System.clearProperty(CriEndpoint.PROPERTY);
      }
      assertThat(results.testEvents().failed().count()).as(Fixtures.failures(results)).isZero();
      assertThat(RUNTIMES).singleElement().asString().contains(daemon.socket().toString());
      assertThat(daemon.cri().listPodSandbox()).extracting(p -> p.getId())
          .doesNotContain(orphan)
          .containsExactly(bystander);
    }
  }

}
