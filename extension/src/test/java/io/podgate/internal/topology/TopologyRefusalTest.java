package io.podgate.internal.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podgate.PodgateException;
import io.podgate.internal.host.HostCommand;
import io.podgate.internal.host.Ipv4Subnet;
import io.podgate.testsupport.RequiresContainerd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Subnets that overlap each other or a host route are refused before anything is created. */
class TopologyRefusalTest {
  @Test
  void podSubnetsOverlappingEachOtherAreRefusedAtBuild() {
    assertThatThrownBy(() -> Topology.builder().node("a4", "10.214.0.0/16").node("a5", "10.214.128.0/17").build())
        .isInstanceOf(PodgateException.class)
        .hasMessageContaining("pod subnets overlap: 10.214.0.0/16 of node 'a4' and 10.214.128.0/17 of node 'a5'");
    assertThatThrownBy(() -> Topology.builder().node("a4", "198.18.0.0/25").build())
        .hasMessageContaining("overlaps the switch subnet 198.18.0.0/24");
    assertThatThrownBy(() -> Topology.builder().node("a4", "10.214.0.0/16", "198.19.0.9").build())
        .hasMessageContaining("address 198.19.0.9 of node 'a4' is not a host address of the switch subnet");
    assertThatThrownBy(() -> Topology.builder().node("a4", "10.214.0.0/16").node("a4", "10.215.0.0/16").build())
        .hasMessageContaining("node name 'a4' is declared twice");
    assertThatThrownBy(() -> Topology.builder().remoteNode("r", "10.214.0.0/16", null, "unix:///x").build())
        .hasMessageContaining("remote node 'r' needs its node address");
  }

  @Test
  void addressesAreAssignedAfterTheHostsAndSkipTakenOnes() {
    Topology t = Topology.builder().node("a4", "10.214.0.0/16", "198.18.0.2").node("a5", "10.215.0.0/16")
        .remoteNode("far", "10.216.0.0/16", "192.0.2.77", "unix:///nowhere").build();
    assertThat(t.hostAddress()).isEqualTo("198.18.0.1");
    assertThat(t.addressOf("a4")).isEqualTo("198.18.0.2");
    assertThat(t.addressOf("a5")).isEqualTo("198.18.0.3");
    assertThat(t.addressOf("far")).isEqualTo("192.0.2.77");
    assertThat(t.netnsName("a5")).isEqualTo("pgn-a5");
    assertThat(t.hostVethName("a5")).isEqualTo("pgna5");
  }

  @Test
  void hostRouteConflictsNameTheSubnetNodeAndRoute() {
    Topology t = Topology.builder().node("a4", "10.214.0.0/16").node("a5", "10.215.0.0/16").build();
    List<String> conflicts = TopologyPlan.conflictsWithHostRoutes(List.of(
        "default via 192.0.2.1 dev eth0",
        "10.215.7.0/24 dev other0 proto kernel scope link src 10.215.7.1",
        "local 198.18.0.5 dev lo table local proto kernel scope host src 198.18.0.5",
        "10.0.0.0/8 via 192.0.2.1 dev eth0"), t.switchSubnet(), t.specs());
    assertThat(conflicts).containsExactly(
        "pod subnet 10.215.0.0/16 of node 'a5' overlaps the host route '10.215.7.0/24 dev other0 proto kernel scope link src 10.215.7.1'",
        "switch subnet 198.18.0.0/24 overlaps the host route 'local 198.18.0.5 dev lo table local proto kernel scope host src 198.18.0.5'",
        "pod subnet 10.214.0.0/16 of node 'a4' overlaps the host route '10.0.0.0/8 via 192.0.2.1 dev eth0'",
        "pod subnet 10.215.0.0/16 of node 'a5' overlaps the host route '10.0.0.0/8 via 192.0.2.1 dev eth0'");
    assertThat(Ipv4Subnet.parse(Topology.SEED_A4_SUBNET).overlaps(Ipv4Subnet.parse(Topology.SEED_A5_SUBNET))).isFalse();
  }

  @RequiresContainerd
  @Test
  void aPodSubnetOverlappingAHostRouteIsRefusedBeforeAnythingIsCreated() throws Exception {
    HostCommand.run(List.of("ip", "link", "add", "pgnx0", "type", "bridge")).orThrow("dummy link");
    try {
      HostCommand.run(List.of("ip", "addr", "add", "10.215.250.1/24", "dev", "pgnx0")).orThrow("address");
      HostCommand.run(List.of("ip", "link", "set", "pgnx0", "up")).orThrow("up");
      Path state = TopologyIntegrationTest.PRIVATE.resolve("refusal-state");
      Topology t = Topology.builder().node("r4", "10.214.0.0/16").node("r5", "10.215.0.0/16")
          .switchBridge("pgnswr").switchSubnet("198.18.9.0/24").stateDir(state).build();
      assertThatThrownBy(t::start)
          .isInstanceOf(PodgateException.class)
          .hasMessageContaining("nothing was created")
          .hasMessageContaining("pod subnet 10.215.0.0/16 of node 'r5' overlaps the host route '10.215.250.0/24 dev pgnx0");
      assertThat(Path.of("/var/run/netns/pgn-r4")).doesNotExist();
      assertThat(Path.of("/var/run/netns/pgn-r5")).doesNotExist();
      assertThat(Path.of("/sys/class/net/pgnswr")).doesNotExist();
      assertThat(Path.of("/sys/class/net/pgnr4")).doesNotExist();
      assertThat(HostCommand.run(List.of("ip", "-4", "route")).output()).doesNotContain("10.214.").doesNotContain("198.18.9.");
      if (Files.isDirectory(state)) {
        try (var s = Files.list(state)) {
          assertThat(s.toList()).as("topology directories").isEmpty();
        }
      }
      t.close(); // nothing to do
    } finally {
      HostCommand.run(List.of("ip", "link", "del", "pgnx0"));
    }
  }
}
