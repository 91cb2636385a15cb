package io.podgate.internal.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podgate.PodgateException;
import io.podgate.internal.cri.v1.PodSandboxFilter;
import io.podgate.internal.host.HostPortRules;
import io.podgate.internal.host.PodgateLabels;
import io.podgate.testsupport.HostState;
import io.podgate.testsupport.RequiresContainerd;
import io.podgate.testsupport.SessionTestBase;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * podgate publishes its runtime's host ports itself (no portmap in the CNI chain): one DNAT rule per port
 * that goes with its pod, that drops rules of sandboxes removed behind its back, and that refuses a port a
 * live pod of another JVM on the same runtime publishes.
 */
@RequiresContainerd
class HostPortRulesTest extends SessionTestBase {
  static PodSpec web(String name, int hostPort) {
    return web(name, hostPort, "127.0.0.1");
  }

  static PodSpec web(String name, int hostPort, String hostIp) {
    ContainerSpec nginx = new ContainerSpec("container web of " + name, "web", "web", "podgate:nginx", List.of(),
        List.of(), Map.of(), "", List.of(), false, 0, ConfigRef.NONE,
        new ContainerSpec.WaitSpec(0, "/", 80, 200, "", List.of(), Duration.ofSeconds(60)));
    return new PodSpec("pod " + name, name, name, "", Map.of(), Map.of(), "", "", List.of(), List.of(), List.of(),
        List.of(new PodSpec.PortSpec(80, hostPort, hostIp, PodSpec.Protocol.TCP)), ConfigRef.NONE, List.of(nginx));
  }

  /** The nat rules whose comment names sandbox {@code id}. */
  static List<String> rulesOf(String id) {
    return Arrays.stream(HostState.run("iptables-save", "-t", "nat").split("\n"))
        .filter(l -> l.contains("podgate sandbox " + id + " ")).toList();
  }

  static int httpStatus(int port) throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/").toURL()
        .openConnection(Proxy.NO_PROXY);
    c.setConnectTimeout(5000);
    c.setReadTimeout(5000);
    try {
      return c.getResponseCode();
    } finally {
      c.disconnect();
    }
  }

  @Test
  void aHostPortIsOneDnatRuleThatGoesWithItsPod() throws IOException {
    RunningPod pod = session().provisioner().provision(web("hp-one", 0));
    List<String> rules;
    int port = pod.hostPort(80);
    try {
      rules = rulesOf(pod.id());
      assertThat(httpStatus(port)).as("nginx through 127.0.0.1:%d", port).isEqualTo(200);
    } finally {
      pod.close();
    }
    assertThat(rules).singleElement().asString()
        .startsWith("-A " + HostPortRules.chain(HostState.subnet()) + " -d 127.0.0.1/32 -p tcp")
        .endsWith("--dport " + port + " -j DNAT --to-destination " + pod.ip() + ":80");
    assertThat(rulesOf(pod.id())).as("its rule after the pod is removed").isEmpty();
  }

  @Test
  void theRuleOfASandboxRemovedBehindPodgatesBackGoesWhenTheNextPodPublishes() {
    RunningPod first = session().provisioner().provision(web("hp-gone", 0));
    session().cri().removePodSandbox(first.id()); // as crictl rmp would: no podgate code removes its rule
    assertThat(rulesOf(first.id())).hasSize(1);
    RunningPod next = session().provisioner().provision(web("hp-next", 0));
    try {
      assertThat(rulesOf(first.id())).isEmpty();
      assertThat(rulesOf(next.id())).hasSize(1);
    } finally {
      next.close();
      // already gone: says so, and frees its host port
      assertThatThrownBy(first::close).hasMessageContaining("no longer exists; something else removed it");
    }
  }

  @Test
  void aPortAnotherJvmsLivePodPublishesIsRefusedAndNothingIsLeft() throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    RunningPod mine = session().provisioner().provision(web("hp-mine", port));
    ExecutorService executor = Executors.newCachedThreadPool();
    try {
      // another JVM: its own host-port bookkeeping, which cannot see this one's reservation
      PodProvisioner other = new PodProvisioner(session().cri(), new SessionImages(session().cri(), session().images()),
          new HostPorts(), Map.of(PodgateLabels.SESSION, session().id()), session().dir().resolve("pods"), executor);
      other.publishHostPortsWith(new HostPortRules(HostState.subnet(), HostState.bridge(), session().cri()));
      assertThatThrownBy(() -> other.provision(web("hp-theirs", port)))
          .isInstanceOf(PodgateException.class)
          .hasMessageContaining("host port tcp 127.0.0.1:" + port + " is already published for pod sandbox " + mine.id())
          .hasMessageContaining("give one of them another host port");
      assertThat(session().cri().listPodSandbox(PodSandboxFilter.newBuilder().build()).stream()
          .map(p -> p.getMetadata().getName())).doesNotContain("hp-theirs");
      assertThat(rulesOf(mine.id())).as("the first pod keeps its port").hasSize(1);
      assertThat(httpStatus(port)).isEqualTo(200);
    } finally {
      executor.shutdownNow();
      mine.close();
    }
    assertThat(HostState.podLeftovers()).isEmpty();
  }

  @Test
  void anIpv6HostAddressIsRefusedBeforeAnythingIsMade() {
    assertThatThrownBy(() -> session().provisioner().provision(web("hp-six", 0, "::1")))
        .isInstanceOf(PodSpecException.class)
        .hasMessageContaining("host IP ::1 is an IPv6 address, and the pods of podgate's runtime have IPv4 addresses");
    assertThat(session().cri().listPodSandbox().stream().map(p -> p.getMetadata().getName())).doesNotContain("hp-six");
  }
}
