package io.podgate.bench.wait.podgate;

import io.podgate.CriContainer;
import io.podgate.HostPort;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.PortMapping;
import io.podgate.Wait;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Ten methods, a new one-container nginx pod for each (an instance field). */
@Podgate
@Tag("containerd")
@Order(5)
class TenMethods {
  @PodSandbox(name = "nginx", ports = @PortMapping(containerPort = 80, hostIp = "127.0.0.1"))
  @CriContainer(name = "nginx", image = "podgate:nginx", waitFor = @Wait(httpPath = "/", httpPort = 80))
  Pod pod;

  @HostPort(pod = "nginx", containerPort = 80)
  int hostPort;

  @Test
  void m01() throws Exception {
    Http.get200("127.0.0.1", hostPort);
  }

  @Test
  void m02() throws Exception {
    Http.get200("127.0.0.1", hostPort);
  }

  @Test
  void m03() throws Exception {
    Http.get200("127.0.0.1", hostPort);
  }

  @Test
  void m04() throws Exception {
    Http.get200("127.0.0.1", hostPort);
  }

  @Test
  void m05() throws Exception {
    Http.get200("127.0.0.1", hostPort);
  }

  @Test
  void m06() throws Exception {
    Http.get200("127.0.0.1", hostPort);
  }

  @Test
  void m07() throws Exception {
    Http.get200("127.0.0.1", hostPort);
  }

  @Test
  void m08() throws Exception {
    Http.get200("127.0.0.1", hostPort);
  }

  @Test
  void m09() throws Exception {
    Http.get200("127.0.0.1", hostPort);
  }

  @Test
  void m10() throws Exception {
    Http.get200("127.0.0.1", hostPort);
  }
}
