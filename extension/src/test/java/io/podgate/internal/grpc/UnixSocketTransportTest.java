package io.podgate.internal.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.podgate.PodgateException;
import io.podgate.internal.containerd.leases.LeasesGrpc;
import io.podgate.internal.containerd.leases.ListRequest;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class UnixSocketTransportTest {
  @Test
  void unsetOrBlankMeansTheJdk() {
    assertThat(UnixSocketTransport.fromProperties(name -> null)).isEqualTo(UnixSocketTransport.JDK);
    assertThat(UnixSocketTransport.fromProperties(name -> " ")).isEqualTo(UnixSocketTransport.JDK);
  }

  @Test
  void namesAreReadWithoutCaseOrSurroundingBlanks() {
    Map<String, String> props = Map.of(UnixSocketTransport.PROPERTY, " JUnixSocket ");
    assertThat(UnixSocketTransport.fromProperties(props::get)).isEqualTo(UnixSocketTransport.JUNIXSOCKET);
    assertThat(UnixSocketTransport.fromProperties(Map.of(UnixSocketTransport.PROPERTY, "jdk")::get))
        .isEqualTo(UnixSocketTransport.JDK);
  }

  @Test
  void unknownNameIsRefusedWithTheAllowedValues() {
    assertThatThrownBy(() -> UnixSocketTransport.fromProperties(Map.of(UnixSocketTransport.PROPERTY, "epoll")::get))
        .isInstanceOf(PodgateException.class)
        .hasMessageContaining("podgate.transport")
        .hasMessageContaining("'epoll'")
        .hasMessageContaining("'jdk'")
        .hasMessageContaining("'junixsocket'");
  }

  @ParameterizedTest
  @EnumSource(UnixSocketTransport.class)
  void callToASocketNobodyListensOnIsUnavailable(UnixSocketTransport transport, @TempDir Path dir) {
    Path dead = dir.resolve("dead.sock");
    try (UnixSocketChannels channels = UnixSocketChannels.open(dead, transport)) {
      assertThat(channels.transport()).isEqualTo(transport);
      assertThatThrownBy(() -> LeasesGrpc.newBlockingStub(channels.channel())
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .list(ListRequest.getDefaultInstance()))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).as(e.toString()).isEqualTo(Status.Code.UNAVAILABLE));
    }
  }
}
