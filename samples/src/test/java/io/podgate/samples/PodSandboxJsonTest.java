package io.podgate.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.CriContainer;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.PortMapping;
import io.podgate.Wait;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The seed's crictl pod JSON (pod-sandbox.json), read verbatim; only its port mapping is replaced:
 * container port 80 goes to a free port on 127.0.0.1 instead of 192.168.31.15:80. Its DNS servers
 * only reach the pod's resolv.conf; nothing here looks a name up.
 */
@Tag("containerd")
@Podgate
class PodSandboxJsonTest {
  @PodSandbox(config = "pod-sandbox.json", ports = @PortMapping(containerPort = 80, hostPort = 0, hostIp = "127.0.0.1"))
  @CriContainer(name = "nginx", image = "podgate:nginx", waitFor = @Wait(httpPath = "/", httpPort = 80))
  @CriContainer(name = "debug", image = "podgate:debug")
  Pod pod;

  @Test
  void jsonValuesApplyAndTheOverriddenPortServes() throws Exception {
    assertThat(pod.name()).isEqualTo("pod-sandbox");
    assertThat(pod.namespace()).isEqualTo("k8s.io");
    assertThat(pod.logDirectory()).isEqualTo(Path.of("/tmp"));
    assertThat(pod.container("debug").exec("cat", "/etc/resolv.conf").stdout())
        .contains("nameserver 8.8.8.8").contains("nameserver 8.8.4.4");

    int port = pod.hostPort(80);
    assertThat(port).isNotEqualTo(80);
    assertThat(SeedScenarioTest.fetch("http://127.0.0.1:" + port + "/")).isEqualTo("podgate nginx ok\n");
  }
}
