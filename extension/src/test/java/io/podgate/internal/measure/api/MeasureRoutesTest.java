package io.podgate.internal.measure.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podgate.PodgateException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeasureRoutesTest {

  @Test
  void theModeIsDirectClientPodOrAutoByDefault() {
    assertThat(MeasureRoutes.mode(null)).isEqualTo(MeasureRoutes.Mode.AUTO);
    assertThat(MeasureRoutes.mode(" ")).isEqualTo(MeasureRoutes.Mode.AUTO);
    assertThat(MeasureRoutes.mode("Direct")).isEqualTo(MeasureRoutes.Mode.DIRECT);
    assertThat(MeasureRoutes.mode("client-pod")).isEqualTo(MeasureRoutes.Mode.CLIENT_POD);
    assertThat(MeasureRoutes.mode("auto")).isEqualTo(MeasureRoutes.Mode.AUTO);
    assertThatThrownBy(() -> MeasureRoutes.mode("pod")).isInstanceOf(PodgateException.class)
        .hasMessageContaining("podgate.measure.via = 'pod'").hasMessageContaining("direct, client-pod or auto");
  }

  @Test
  void aListenerAndARefusalBothAnswerTheProbe() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      assertThat(MeasureRoutes.reaches("127.0.0.1", s.getLocalPort(), Duration.ofSeconds(1))).isTrue();
      closedPort = s.getLocalPort();
    }
    assertThat(MeasureRoutes.reaches("127.0.0.1", closedPort, Duration.ofSeconds(1))).as("refused").isTrue();
  }

  @Test
  void loopbackAndDirectNeverAskTheBackend() {
    MeasureRoutes forced = new MeasureRoutes(() -> {
      throw new AssertionError("the backend was asked");
    }, Map.of(MeasureRoutes.PROPERTY, "client-pod")::get, line -> {});
    assertThat(forced.clientFor("127.0.0.1", 80)).isEmpty();
    assertThat(forced.clientFor("localhost", 5201)).isEmpty();
    MeasureRoutes direct = new MeasureRoutes(() -> {
      throw new AssertionError("the backend was asked");
    }, Map.of(MeasureRoutes.PROPERTY, "direct")::get, line -> {});
    assertThat(direct.clientFor("10.72.0.9", 80)).isEmpty();
    MeasureRoutes bad = new MeasureRoutes(() -> null, Map.of(MeasureRoutes.PROPERTY, "sideways")::get, line -> {});
    assertThatThrownBy(() -> bad.clientFor("10.72.0.9", 80)).isInstanceOf(PodgateException.class)
        .hasMessageContaining("sideways");
  }
}
