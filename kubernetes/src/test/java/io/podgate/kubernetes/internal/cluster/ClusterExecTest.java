package io.podgate.kubernetes.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterExecTest {
  @Test
  void freePortsAreBelowTheEphemeralRangeDistinctAndBindable() throws Exception {
    int low = ClusterExec.ephemeralLow();
    assertThat(low).isGreaterThan(1024);
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      int port = ClusterExec.freePort();
      assertThat(port).isLessThan(low);
      assertThat(ports.add(port)).as("port %d handed out twice", port).isTrue();
    }
    int port = ClusterExec.freePort();
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(port));
      assertThat(s.getLocalPort()).isEqualTo(port);
    }
  }
}
