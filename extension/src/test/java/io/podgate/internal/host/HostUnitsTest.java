package io.podgate.internal.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podgate.PodgateException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing and planning pieces of the host layer (subnets, routes, iptables plans), without touching the host. */
class HostUnitsTest {
  @Test
  void subnetsParseAndOverlap() {
    Ipv4Subnet s = Ipv4Subnet.parse("10.201.0.0/24");
    assertThat(s.gateway()).isEqualTo("10.201.0.1");
    assertThat(s.contains("10.201.0.77")).isTrue();
    assertThat(s.contains("10.201.1.1")).isFalse();
    assertThat(s.overlaps(Ipv4Subnet.parse("10.0.0.0/8"))).isTrue();
    assertThat(s.overlaps(Ipv4Subnet.parse("10.201.1.0/24"))).isFalse();
    assertThatThrownBy(() -> Ipv4Subnet.parse("10.201.0.0")).hasMessageContaining("CIDR");
    assertThatThrownBy(() -> Ipv4Subnet.parse("10.301.0.0/24")).hasMessageContaining("out of range");
  }

  @Test
  void routeLinesGiveDestinations() {
    assertThat(HostNetwork.routeDestination("default via 192.0.2.1 dev eth0")).isEmpty();
    assertThat(HostNetwork.routeDestination("192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.2"))
        .contains(Ipv4Subnet.parse("192.0.2.0/24"));
    assertThat(HostNetwork.routeDestination("blackhole 10.9.0.0/16")).contains(Ipv4Subnet.parse("10.9.0.0/16"));
    assertThat(HostNetwork.routeDestination("10.9.8.7 via 192.0.2.1 dev eth0"))
        .contains(Ipv4Subnet.parse("10.9.8.7/32"));
  }

  @Test
  void iptablesPlanRemovesOnlyWhatNamesTheSubnet() {
    String save = String.join("\n",
        "*nat",
        ":PREROUTING ACCEPT [0:0]",
        ":POSTROUTING ACCEPT [0:0]",
        ":CNI-aaa - [0:0]",
        ":CNI-bbb - [0:0]",
        ":CNI-DN-ccc - [0:0]",
        ":CNI-HOSTPORT-DNAT - [0:0]",
        "-A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT",
        "-A POSTROUTING -s 10.201.0.5/32 -m comment --comment \"name: \\\"podgate-a\\\" id: \\\"x\\\"\" -j CNI-aaa",
        "-A POSTROUTING -s 10.202.0.5/32 -m comment --comment \"name: \\\"other\\\" id: \\\"y\\\"\" -j CNI-bbb",
        "-A CNI-aaa -d 10.201.0.0/24 -j ACCEPT",
        "-A CNI-aaa ! -d 224.0.0.0/4 -j MASQUERADE",
        "-A CNI-bbb -d 10.202.0.0/24 -j ACCEPT",
        "-A CNI-DN-ccc -p tcp -m tcp --dport 18080 -j DNAT --to-destination 10.201.0.5:80",
        "-A CNI-HOSTPORT-DNAT -p tcp -m multiport --dports 18080 -j CNI-DN-ccc",
        "COMMIT");
    IptablesCleanup.Table t = IptablesCleanup.Table.parse("nat", save);
    String plan = IptablesCleanup.planForSubnet(t, Ipv4Subnet.parse("10.201.0.0/24"));
    assertThat(plan.lines().toList()).containsExactly(
        "-D POSTROUTING -s 10.201.0.5/32 -m comment --comment \"name: \\\"podgate-a\\\" id: \\\"x\\\"\" -j CNI-aaa",
        "-D CNI-HOSTPORT-DNAT -p tcp -m multiport --dports 18080 -j CNI-DN-ccc",
        "-F CNI-aaa",
        "-F CNI-DN-ccc",
        "-X CNI-aaa",
        "-X CNI-DN-ccc");
    // a pod still maps ports: shared chains stay
    assertThat(IptablesCleanup.planForSharedChains(t)).isEmpty();
  }

  @Test
  void sharedChainsGoOnlyWhenEmpty() {
    String save = String.join("\n",
        "*nat",
        ":OUTPUT ACCEPT [0:0]",
        ":POSTROUTING ACCEPT [0:0]",
        ":CNI-HOSTPORT-DNAT - [0:0]",
        ":CNI-HOSTPORT-MASQ - [0:0]",
        "-A OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT",
        "-A POSTROUTING -m comment --comment \"CNI portfwd requiring masquerade\" -j CNI-HOSTPORT-MASQ",
        "-A CNI-HOSTPORT-MASQ -m mark --mark 0x2000/0x2000 -j MASQUERADE",
        "COMMIT");
    String plan = IptablesCleanup.planForSharedChains(IptablesCleanup.Table.parse("nat", save));
    assertThat(plan.lines().toList()).containsExactly(
        "-D OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT",
        "-D POSTROUTING -m comment --comment \"CNI portfwd requiring masquerade\" -j CNI-HOSTPORT-MASQ",
        "-F CNI-HOSTPORT-DNAT",
        "-F CNI-HOSTPORT-MASQ",
        "-X CNI-HOSTPORT-DNAT",
        "-X CNI-HOSTPORT-MASQ");
  }

  @Test
  void theSubnetMasqueradeIsOneChainThatCleanupRemoves() {
    Ipv4Subnet subnet = Ipv4Subnet.parse("10.88.0.0/16");
    String chain = IptablesCleanup.masqueradeChain(subnet);
    assertThat(chain).isEqualTo("PODGATE-MASQ-0A580000-16").hasSizeLessThanOrEqualTo(28);
    String plan = IptablesCleanup.masqueradePlan(subnet, "podgate \"a\" pods");
    assertThat(plan.lines().toList()).containsExactly(
        ":PODGATE-MASQ-0A580000-16 - [0:0]",
        "-A PODGATE-MASQ-0A580000-16 -d 10.88.0.0/16 -m conntrack --ctstate DNAT -j MASQUERADE",
        "-A PODGATE-MASQ-0A580000-16 -d 10.88.0.0/16 -j ACCEPT",
        "-A PODGATE-MASQ-0A580000-16 ! -d 224.0.0.0/4 -j MASQUERADE",
        "-A POSTROUTING -s 10.88.0.0/16 -m comment --comment \"podgate a pods\" -j PODGATE-MASQ-0A580000-16");
    String save = "*nat\n:POSTROUTING ACCEPT [0:0]\n" + plan.replace(":PODGATE-MASQ-0A580000-16 - [0:0]\n", "")
        + ":PODGATE-MASQ-0A580000-16 - [0:0]\n:PODGATE-MASQ-0A590000-16 - [0:0]\n"
        + "-A PODGATE-MASQ-0A590000-16 -d 10.89.0.0/16 -j ACCEPT\nCOMMIT\n";
    assertThat(IptablesCleanup.planForSubnet(IptablesCleanup.Table.parse("nat", save), subnet).lines().toList())
        .as("another subnet's chain stays").containsExactly(
            "-D POSTROUTING -s 10.88.0.0/16 -m comment --comment \"podgate a pods\" -j PODGATE-MASQ-0A580000-16",
            "-F PODGATE-MASQ-0A580000-16",
            "-X PODGATE-MASQ-0A580000-16");
  }
}
