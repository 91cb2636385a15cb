package io.podgate.internal.image;

import io.podgate.internal.runtime.ContainerdOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.podgate.internal.cri.CriException;
import io.podgate.internal.cri.v1.AuthConfig;
import io.podgate.internal.cri.v1.Image;
import io.podgate.internal.runtime.EmbeddedContainerd;
import io.podgate.testsupport.RequiresContainerd;
import io.podgate.testsupport.TestRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry path: our archive pushed with skopeo to a local docker-registry (htpasswd, plain
 * HTTP), pulled by the CRI plugin with credentials. The password is a sentinel that must never
 * show up in an exception message or in containerd's or the registry's log.
 * Bridge pgimg0, pod subnet 10.202.0.0/24.
 */
@RequiresContainerd
class RegistryPullTest {
  private static final String USER = "podgate";
  private static final String PASSWORD = "pg-sentinel-" + UUID.randomUUID();
  private static final String WRONG_PASSWORD = "pg-wrong-sentinel-" + UUID.randomUUID();

  @TempDir static Path cache;
  private static TestRegistry registry;
  private static EmbeddedContainerd containerd;
  private static BuiltImage busybox;

  @BeforeAll
  static void start() throws Exception {
    assumeThat(Files.isExecutable(TestRegistry.BINARY)).as("docker-registry installed").isTrue();
    registry = TestRegistry.start(USER, PASSWORD);
    busybox = new StandardImages(cache).busybox();
    registry.push(busybox.archive(), "podgate/busybox:1", PASSWORD);
    containerd = EmbeddedContainerd.start(ContainerdOptions.builder()
        .name("img-reg")
        .bridgeName("pgimg0")
        .podSubnet("10.202.0.0/24")
        .baseDir(TestContainerd.BASE.resolve("cri-" + UUID.randomUUID().toString().substring(0, 8)))
        .sandboxImage(StandardImages.PAUSE_REFERENCE)
        .build());
    containerd.insecureRegistry(registry.hostPort());
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (containerd != null) {
        containerd.close();
      }
    } finally {
      if (registry != null) {
        registry.close();
      }
    }
  }

  private String reference() {
    return registry.hostPort() + "/podgate/busybox:1";
  }

  /** containerd 1.6 parses server_address as a URL: a bare host:port is refused, so give the scheme. */
  private AuthConfig auth(String password) {
    return AuthConfig.newBuilder().setUsername(USER).setPassword(password)
        .setServerAddress("http://" + registry.hostPort()).build();
  }

  @Test
  void criPullsOurPushedImageWithCredentialsAndGetsTheSameConfig() throws Exception {
    String ref = containerd.cri().pullImage(reference(), auth(PASSWORD), null);

    String configDigest = ImageRootfs.manifest(busybox).path("config").path("digest").asText();
    assertThat(ref).isEqualTo(configDigest);
    Image image = containerd.cri().imageStatus(reference()).orElseThrow();
    assertThat(image.getId()).isEqualTo(configDigest);
    assertThat(image.getRepoTagsList()).contains(reference());
    assertNoSecretLeaked(null);
  }

  @Test
  void pullWithoutOrWithWrongCredentialsFailsWithoutLeakingThePassword() throws Exception {
    assertThatThrownBy(() -> containerd.cri().pullImage(reference()))
        .isInstanceOf(CriException.class)
        .hasMessageContaining("PullImage")
        .hasMessageContaining(reference())
        .hasMessageContaining("401 Unauthorized");
    Throwable wrong = catchThrowable(() -> containerd.cri().pullImage(reference(), auth(WRONG_PASSWORD), null));
    assertThat(wrong).isInstanceOf(CriException.class)
        .hasMessageContaining(reference())
        .hasMessageContaining("401 Unauthorized");
    assertNoSecretLeaked(wrong);
  }

  private void assertNoSecretLeaked(Throwable failure) throws Exception {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain(PASSWORD).doesNotContain(WRONG_PASSWORD);
    }
    assertThat(Files.readString(containerd.logFile())).doesNotContain(PASSWORD).doesNotContain(WRONG_PASSWORD);
    assertThat(registry.log()).doesNotContain(PASSWORD).doesNotContain(WRONG_PASSWORD);
  }
}
