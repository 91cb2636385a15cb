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

/** A copy of OneNginx, run inside a suite after it (the runtime is up). */
@Podgate
@Tag("containerd")
@Order(2)
class OneNginxInSuite1 {
  @PodSandbox(name = "nginx", ports = @PortMapping(containerPort = 80, hostIp = "127.0.0.1"))
  @CriContainer(name = "nginx", image = "podgate:nginx", waitFor = @Wait(httpPath = "/", httpPort = 80))
  static Pod pod;

  @HostPort(pod = "nginx", containerPort = 80)
  static int hostPort;

  @Test
  void answers() throws Exception {
    Http.get200("127.0.0.1", hostPort);
    Http.ready(getClass());
  }
}
