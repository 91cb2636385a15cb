package io.podgate.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.CriContainer;
import io.podgate.ExecResult;
import io.podgate.HostPort;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.PortMapping;
import io.podgate.Wait;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The seed scenario: nginx and a debug container (busybox + iperf3) in one pod, port 80 on a free host port. */
@Tag("containerd")
@Podgate
class SeedScenarioTest {
  @PodSandbox(name = "seed", ports = @PortMapping(containerPort = 80, hostIp = "127.0.0.1"))
  @CriContainer(name = "nginx", image = "podgate:nginx", waitFor = @Wait(httpPath = "/", httpPort = 80))
  @CriContainer(name = "debug", image = "podgate:debug")
  Pod pod;

  @HostPort(pod = "seed", containerPort = 80)
  int hostPort;

  @Test
  void nginxAnswersByPodIpAndHostPortAndDebugHasIperf3() throws Exception {
    String byPodIp = fetch("http://" + pod.ip() + "/");
    String byHostPort = fetch("http://127.0.0.1:" + hostPort + "/");

    assertThat(byPodIp).isEqualTo("podgate nginx ok\n");
    assertThat(byHostPort).isEqualTo(byPodIp);
    assertThat(hostPort).isNotEqualTo(80);

    ExecResult iperf = pod.container("debug").exec("iperf3", "--version");
    assertThat(iperf.exitCode()).as(iperf.stderr()).isZero();
    assertThat(iperf.stdout()).startsWith("iperf 3");
  }

  static String fetch(String url) throws Exception {
    try (InputStream in = URI.create(url).toURL().openStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
