package io.podgate.reliability;

import io.podgate.internal.runtime.ContainerdOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podgate.CriContainer;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.PodgateException;
import io.podgate.PortMapping;
import io.podgate.internal.image.StandardImages;
import io.podgate.internal.runtime.EmbeddedContainerd;
import io.podgate.internal.host.Ipv4Subnet;
import io.podgate.testsupport.Faults;
import io.podgate.testsupport.FixtureOnly;
import io.podgate.testsupport.HostState;
import io.podgate.testsupport.RequiresContainerd;
import io.podgate.testsupport.SessionProbe;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** Host resources someone else holds: a host port, the last pod address, a bridge name or subnet. */
@RequiresContainerd
class HostConflictsTest {
  static int busyPort;

  @ExtendWith({FixtureOnly.class, SessionProbe.class})
  @Podgate
  static class WantsBusyPort {
    @Test
    void t(@PodSandbox(ports = @PortMapping(containerPort = 80, hostPort = 0)) Pod unused,
        @PodSandbox(name = "busy", ports = @PortMapping(containerPort = 8080, hostPort = 38999))
        @CriContainer(name = "c", image = "podgate:busybox", command = {"sleep", "3600"}) Pod busy) {}
  }

  @Test
  void hostPortTakenByAnotherProcess() throws Exception {
    try (ServerSocket holder = new ServerSocket()) {
      holder.setReuseAddress(false);
      holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 38999));
      EngineExecutionResults r = Faults.run(WantsBusyPort.class);
      assertThat(r.testEvents().failed().count()).isEqualTo(1);
      assertThat(Faults.failures(r)).contains("host port 38999/TCP on 127.0.0.1 is already in use")
          .contains("pick another port or 0");
      assertThat(holder.isBound()).isTrue();
    }
    HostState.assertClean();
  }

  /** Six pods on a /29, whose host-local range holds five addresses besides the gateway. */
  @ExtendWith({FixtureOnly.class, SessionProbe.class})
  @Podgate
  static class MorePodsThanAddresses {
    @PodSandbox @CriContainer(name = "c", image = "podgate:pause") static Pod p1;
    @PodSandbox @CriContainer(name = "c", image = "podgate:pause") static Pod p2;
    @PodSandbox @CriContainer(name = "c", image = "podgate:pause") static Pod p3;
    @PodSandbox @CriContainer(name = "c", image = "podgate:pause") static Pod p4;
    @PodSandbox @CriContainer(name = "c", image = "podgate:pause") static Pod p5;
    @PodSandbox @CriContainer(name = "c", image = "podgate:pause") static Pod p6;

    @Test
    void t() {}
  }

  @Test
  void podSubnetExhausted() {
    String bridge = "pgrel1";
    Ipv4Subnet tiny = Ipv4Subnet.parse("10.208.1.0/29");
    String oldBridge = System.getProperty("podgate.bridge");
    String oldSubnet = System.getProperty("podgate.subnet");
    System.setProperty("podgate.bridge", bridge);
    System.setProperty("podgate.subnet", tiny.toString());
    EngineExecutionResults r;
    try {
      r = Faults.run(MorePodsThanAddresses.class);
    } finally {
      System.setProperty("podgate.bridge", oldBridge);
      System.setProperty("podgate.subnet", oldSubnet);
    }
    assertThat(Faults.failures(r))
        .contains("MorePodsThanAddresses.p6")
        .contains("no free address in pod subnet 10.208.1.0/29")
        .contains("podgate.subnet");
    HostState.assertClean(bridge, tiny, List.copyOf(SessionProbe.SEEN));
  }

  @Test
  void overlappingSubnetOrSameBridgeIsRefusedBeforeAnythingIsCreated() throws Exception {
    Path base = Files.createDirectories(Path.of(System.getProperty("podgate.workdir", "/tmp/podgate-test"), "reliab-conflicts"));
    Ipv4Subnet first = Ipv4Subnet.parse("10.208.2.0/24");
    try (EmbeddedContainerd a = EmbeddedContainerd.start(ContainerdOptions.builder().name("rel-a")
        .bridgeName("pgrel2").podSubnet(first.toString()).baseDir(base.resolve("rel-a"))
        .sandboxImage(StandardImages.PAUSE_REFERENCE).build())) {
      Path overlapDir = base.resolve("rel-overlap");
      assertThatThrownBy(() -> EmbeddedContainerd.start(ContainerdOptions.builder().name("rel-overlap")
          .bridgeName("pgrel3").podSubnet("10.208.2.128/25").baseDir(overlapDir)
          .sandboxImage(StandardImages.PAUSE_REFERENCE).build()))
          .isInstanceOf(PodgateException.class)
          .hasMessageContaining("pod subnet 10.208.2.128/25")
          .hasMessageContaining("overlaps subnet 10.208.2.0/24 of the containerd running as pid " + a.pid())
          .hasMessageContaining("Nothing was created");
      assertThat(overlapDir).doesNotExist();
      assertThat(Path.of("/sys/class/net/pgrel3")).doesNotExist();

      Path sameDir = base.resolve("rel-same");
      assertThatThrownBy(() -> EmbeddedContainerd.start(ContainerdOptions.builder().name("rel-same")
          .bridgeName("pgrel2").podSubnet("10.208.3.0/24").baseDir(sameDir)
          .sandboxImage(StandardImages.PAUSE_REFERENCE).build()))
          .isInstanceOf(PodgateException.class)
          .hasMessageContaining("bridge pgrel2")
          .hasMessageContaining("already claimed by the containerd running as pid " + a.pid());
      assertThat(sameDir).doesNotExist();
      assertThat(a.isRunning()).as("the first daemon is untouched").isTrue();
    }
    HostState.assertClean("pgrel2", first, List.of());
    assertThat(HostState.leftovers("pgrel3", Ipv4Subnet.parse("10.208.3.0/24"), List.of())).isEmpty();
    Files.delete(base); // the daemon took its own directory with it: this one is empty
  }
}
