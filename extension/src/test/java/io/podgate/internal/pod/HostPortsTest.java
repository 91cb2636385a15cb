package io.podgate.internal.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A fixed port held by a live pod of the run is refused; held by a pod being removed, it is waited for. */
class HostPortsTest {
  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return s.getLocalPort();
    }
  }

  @Test
  void aPortHeldByALivePodIsRefusedAtOnce() throws IOException {
    HostPorts ports = new HostPorts();
    int port = freePort();
    ports.reserve("first", "ports[0]", "127.0.0.1", port, PodSpec.Protocol.TCP);
    assertThatThrownBy(() -> ports.reserve("second", "ports[0]", "127.0.0.1", port, PodSpec.Protocol.TCP))
        .hasMessageContaining("already in use by another pod of this run");
  }

  @Test
  void aPortHeldByAPodBeingRemovedIsHandedOverOnceReleased() throws Exception {
    HostPorts ports = new HostPorts();
    int port = freePort();
    ports.reserve("first", "ports[0]", "127.0.0.1", port, PodSpec.Protocol.TCP);
    ports.releasing("127.0.0.1", port, PodSpec.Protocol.TCP);
    CompletableFuture<Integer> second = CompletableFuture.supplyAsync(
        () -> ports.reserve("second", "ports[0]", "127.0.0.1", port, PodSpec.Protocol.TCP));
    assertThat(second).as("waits while the first pod is removed").isNotDone();
    ports.release("127.0.0.1", port, PodSpec.Protocol.TCP);
    assertThat(second.get(30, TimeUnit.SECONDS)).isEqualTo(port);
    assertThatThrownBy(() -> ports.reserve("third", "ports[0]", "127.0.0.1", port, PodSpec.Protocol.TCP))
        .as("now held by the second, live pod").hasMessageContaining("already in use by another pod of this run");
  }
}
