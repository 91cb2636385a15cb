package io.podgate.internal.cri;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.podgate.PodgateException;
import io.podgate.internal.cri.v1.AuthConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CriClientTest {
  private static final Path PRIVATE = Path.of("/tmp/pg-cri");

  @Test
  void callAgainstADeadSocketNamesOperationAndEndpoint() throws Exception {
    Files.createDirectories(PRIVATE);
    Path dead = PRIVATE.resolve("dead.sock");
    Files.deleteIfExists(dead);
    try (CriClient cri = CriClient.connect(dead)) {
      CriException e = catchThrowableOfType(CriException.class, cri::version);
      assertThat(e).isInstanceOf(PodgateException.class);
      assertThat(e.operation()).isEqualTo("Version");
      assertThat(e.endpoint()).isEqualTo("unix://" + dead);
      assertThat(e.code()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(e.getMessage())
          .startsWith("CRI Version failed at unix://" + dead + ": UNAVAILABLE")
          .contains("check that containerd is running");

      CriException stop = catchThrowableOfType(CriException.class, () -> cri.stopPodSandbox("pod-1234"));
      assertThat(stop.getMessage()).contains("StopPodSandbox").contains("pod pod-1234").contains(dead.toString());
      assertThat(stop.subject()).isEqualTo("pod pod-1234");
    }
  }

  @Test
  void credentialsNeverReachTheMessage() throws Exception {
    Files.createDirectories(PRIVATE);
    Path dead = PRIVATE.resolve("dead-pull.sock");
    Files.deleteIfExists(dead);
    AuthConfig auth = AuthConfig.newBuilder()
        .setUsername("alice")
        .setPassword("s3cr3t-pass")
        .setAuth("YWxpY2U6czNjcjN0")
        .setRegistryToken("tok-123")
        .build();
    try (CriClient cri = CriClient.connect(dead)) {
      CriException e = catchThrowableOfType(CriException.class,
          () -> cri.withDeadline(Duration.ofSeconds(5)).pullImage("127.0.0.1:5000/app:1", auth, null));
      assertThat(e.operation()).isEqualTo("PullImage");
      assertThat(e.getMessage()).contains("image 127.0.0.1:5000/app:1");
      String everything = e.getMessage() + e.status() + e.getCause() + String.valueOf(e.status().getDescription());
      assertThat(everything).doesNotContain("s3cr3t-pass", "YWxpY2U6czNjcjN0", "tok-123");
    }
  }

  @Test
  void deadlineMustBePositive() {
    try (CriClient cri = CriClient.connect(PRIVATE.resolve("unused.sock"))) {
      assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> cri.withDeadline(Duration.ZERO)))
          .hasMessageContaining("positive");
    }
  }
}
