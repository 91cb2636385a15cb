package io.podgate.internal.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podgate.PodgateException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HostPortRulesPlanTest {
  static final Ipv4Subnet SUBNET = Ipv4Subnet.parse("10.88.0.0/24");
  static final String CHAIN = "PODGATE-HP-0A580000-24";

  static String rule(String sandbox, String hostIp, int hostPort, String podIp) {
    return "-A " + CHAIN + (hostIp.equals("0.0.0.0") ? "" : " -d " + hostIp + "/32") + " -p tcp -m comment --comment"
        + " \"podgate sandbox " + sandbox + " tcp " + hostIp + ":" + hostPort + "\" -m tcp --dport " + hostPort
        + " -j DNAT --to-destination " + podIp + ":80";
  }

  static IptablesCleanup.Table nat(String... rules) {
    return IptablesCleanup.Table.parse("nat", "*nat\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
        + ":POSTROUTING ACCEPT [0:0]\n:" + CHAIN + " - [0:0]\n" + String.join("\n", rules) + "\nCOMMIT\n");
  }

  static final List<HostPortRules.Mapping> WEB = List.of(new HostPortRules.Mapping("TCP", "127.0.0.1", 30080, 80));

  @Test
  void theChainIsNamedBySubnetAndInstalledOverALeftover() {
    assertThat(HostPortRules.chain(SUBNET)).isEqualTo(CHAIN).hasSizeLessThanOrEqualTo(28);
    String fresh = HostPortRules.installPlan(nat(), SUBNET, "podgate \"x\"");
    assertThat(fresh.lines().toList()).containsExactly(
        ":" + CHAIN + " - [0:0]",
        "-A PREROUTING -m addrtype --dst-type LOCAL -m comment --comment \"podgate x host ports of 10.88.0.0/24\" -j " + CHAIN,
        "-A OUTPUT -m addrtype --dst-type LOCAL -m comment --comment \"podgate x host ports of 10.88.0.0/24\" -j " + CHAIN,
        "-A POSTROUTING -s 127.0.0.0/8 -d 10.88.0.0/24 -m comment --comment \"podgate x host ports of 10.88.0.0/24\""
            + " -j MASQUERADE");
    List<String> leftover = fresh.lines().filter(l -> l.startsWith("-A ")).toList();
    assertThat(HostPortRules.installPlan(nat(leftover.toArray(String[]::new)), SUBNET, "podgate x").lines().toList())
        .as("a crashed run's jumps and masquerade go first").startsWith(
            leftover.stream().map(l -> "-D" + l.substring(2)).toArray(String[]::new));
  }

  @Test
  void addingAPodsPortsDropsRulesOfGoneSandboxesAndOfTheSamePort() {
    String gone = rule("gone", "127.0.0.1", 31000, "10.88.0.7");
    String stalePort = rule("old", "0.0.0.0", 30080, "10.88.0.8");
    String live = rule("live", "127.0.0.1", 31001, "10.88.0.9");
    String plan = HostPortRules.addPlan(nat(gone, stalePort, live), SUBNET, "new", "10.88.0.10", WEB, Set.of("live", "new"));
    assertThat(plan.lines().toList()).containsExactly(
        "-D" + gone.substring(2),
        "-D" + stalePort.substring(2),
        rule("new", "127.0.0.1", 30080, "10.88.0.10"));
  }

  @Test
  void aPortPublishedForAnotherLiveSandboxIsRefusedByName() {
    String other = rule("other", "0.0.0.0", 30080, "10.88.0.8");
    assertThatThrownBy(() -> HostPortRules.addPlan(nat(other), SUBNET, "new", "10.88.0.10", WEB, Set.of("other", "new")))
        .isInstanceOf(PodgateException.class)
        .hasMessageContaining("host port tcp 0.0.0.0:30080 is already published for pod sandbox other");
    assertThat(HostPortRules.addPlan(nat(rule("other", "127.0.0.2", 30080, "10.88.0.8")), SUBNET, "new", "10.88.0.10",
        WEB, Set.of("other", "new"))).as("another loopback address is another port").doesNotStartWith("-D");
  }

  @Test
  void withoutTheChainAddingSaysTheRuntimeMustRestart() {
    IptablesCleanup.Table none = IptablesCleanup.Table.parse("nat", "*nat\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n");
    assertThatThrownBy(() -> HostPortRules.addPlan(none, SUBNET, "new", "10.88.0.10", WEB, Set.of("new")))
        .hasMessageContaining(CHAIN + " of pod subnet 10.88.0.0/24 is missing").hasMessageContaining("restart the runtime");
  }

  @Test
  void removingASandboxTakesOnlyItsRules() {
    String mine = rule("mine", "127.0.0.1", 30080, "10.88.0.7");
    String other = rule("other", "127.0.0.1", 30081, "10.88.0.8");
    assertThat(HostPortRules.removePlan(nat(mine, other), "mine")).isEqualTo("-D" + mine.substring(2) + "\n");
    assertThat(HostPortRules.removePlan(nat(other), "mine")).isEmpty();
  }

  @Test
  void cleanupTakesTheWholeChainOfItsSubnetButOnlyOnePodsRulesForItsAddress() {
    String jump = "-A OUTPUT -m addrtype --dst-type LOCAL -m comment --comment \"podgate x host ports of 10.88.0.0/24\" -j "
        + CHAIN;
    String a = rule("a", "127.0.0.1", 30080, "10.88.0.7");
    String b = rule("b", "127.0.0.1", 30081, "10.88.0.8");
    assertThat(IptablesCleanup.planForSubnet(nat(jump, a, b), SUBNET).lines().toList())
        .containsExactly("-D" + jump.substring(2), "-F " + CHAIN, "-X " + CHAIN);
    assertThat(IptablesCleanup.planForSubnet(nat(jump), SUBNET).lines().toList()).as("also when empty")
        .containsExactly("-D" + jump.substring(2), "-F " + CHAIN, "-X " + CHAIN);
    assertThat(IptablesCleanup.planForSubnet(nat(jump, a, b), Ipv4Subnet.parse("10.88.0.7/32")).lines().toList())
        .containsExactly("-D" + a.substring(2));
  }
}
