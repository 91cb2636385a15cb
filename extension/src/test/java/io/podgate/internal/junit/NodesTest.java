package io.podgate.internal.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.Container;
import io.podgate.CriContainer;
import io.podgate.ExecResult;
import io.podgate.NodeInfo;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.PodgateNode;
import io.podgate.PodgateNodes;
import io.podgate.Wait;
import io.podgate.internal.host.HostCommand;
import io.podgate.internal.host.Ipv4Subnet;
import io.podgate.testsupport.FixtureOnly;
import io.podgate.testsupport.Fixtures;
import io.podgate.testsupport.RequiresContainerd;
import io.podgate.testsupport.SessionTestBase;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** @PodgateNodes: a debug pod on each of two nodes, traffic between them, teardown, and a wrong node name. */
@RequiresContainerd
class NodesTest extends SessionTestBase {
  static final String A4_PODS = "10.216.0.0/16";
  static final String A5_PODS = "10.217.0.0/16";
  static final String SWITCH = "pgnjsw0";
  static final String NETNS_PREFIX = "pgnj-";
  static final List<String> LINKS = List.of(SWITCH, "pgnja4", "pgnja5");
  /** Answers with the client's address, so the test sees whether pod traffic arrived masqueraded. */
  static final String WHO_AM_I = "mkdir -p /www/cgi-bin && printf '#!/bin/sh\\necho Content-Type:"
      + " text/plain\\necho\\necho $REMOTE_ADDR\\n' > /www/cgi-bin/peer && chmod +x /www/cgi-bin/peer"
      + " && exec httpd -f -p 8080 -h /www";
  static final List<String> SEEN = new CopyOnWriteArrayList<>();

  @Podgate
  @ExtendWith(FixtureOnly.class)
  @PodgateNodes(value = {@PodgateNode(name = "a4", podSubnet = A4_PODS), @PodgateNode(name = "a5", podSubnet = A5_PODS)},
      switchBridge = SWITCH, switchSubnet = "198.19.0.0/24", netnsPrefix = NETNS_PREFIX, linkPrefix = "pgnj")
  static class TwoNodes {
    @PodSandbox(node = "a4")
    @CriContainer(name = "client", image = "podgate:debug", command = {"sleep", "3600"})
    static Pod client;

    @PodSandbox(node = "a5")
    @CriContainer(name = "server", image = "podgate:debug", command = {"sh", "-c", WHO_AM_I},
        waitFor = @Wait(exec = {"wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/cgi-bin/peer"}, timeoutSeconds = 30))
    static Pod server;

    @Test
    void podsRunOnTheirNodesAndReachEachOther() {
      NodeInfo a4 = client.node().orElseThrow();
      NodeInfo a5 = server.node().orElseThrow();
      assertThat(a4.name()).isEqualTo("a4");
      assertThat(a5.name()).isEqualTo("a5");
      assertThat(a4.podSubnet()).isEqualTo(A4_PODS);
      assertThat(a5.podSubnet()).isEqualTo(A5_PODS);
      assertThat(Ipv4Subnet.parse(A4_PODS).contains(client.ip())).as("client IP %s in %s", client.ip(), A4_PODS).isTrue();
      assertThat(Ipv4Subnet.parse(A5_PODS).contains(server.ip())).as("server IP %s in %s", server.ip(), A5_PODS).isTrue();
      // the node address is the one of eth0 in the node's namespace
      assertThat(addressesIn(NETNS_PREFIX + "a4")).contains(a4.address());
      assertThat(addressesIn(NETNS_PREFIX + "a5")).contains(a5.address());
      assertThat(a4.address()).isNotEqualTo(a5.address());

      Container c = client.container("client");
      // busybox wget -T crashes; the exec timeout bounds the request instead
      ExecResult r = c.exec(Duration.ofSeconds(15), "wget", "-q", "-O", "-", "http://" + server.ip() + ":8080/cgi-bin/peer");
      assertThat(r.exitCode()).as("wget from a4 pod to a5 pod: %s", r).isZero();
      // busybox httpd gives an IPv4 peer as [::ffff:a.b.c.d]
      String peer = r.stdout().strip().replaceAll("^\\[::ffff:|\\]$", "");
      assertThat(peer).as("the server sees the client's own pod address (not masqueraded), said %s", r.stdout()).isEqualTo(client.ip());
      SEEN.add(client.id());
      SEEN.add(server.id());
    }

    @Test
    void parameterPodOnANode(@PodSandbox(node = "a5") @CriContainer(image = "podgate:busybox", command = {"sleep", "3600"}) Pod extra) {
      assertThat(extra.node()).map(NodeInfo::name).hasValue("a5");
      assertThat(Ipv4Subnet.parse(A5_PODS).contains(extra.ip())).isTrue();
      SEEN.add(extra.id());
    }

    @Test
    void podWithoutNodeUsesTheDefaultRuntime(@PodSandbox @CriContainer(image = "podgate:busybox", command = {"sleep", "3600"}) Pod plain) {
      assertThat(plain.node()).isEmpty();
      assertThat(Ipv4Subnet.parse(System.getProperty("podgate.subnet")).contains(plain.ip())).isTrue();
    }
  }

  @Podgate
  @ExtendWith(FixtureOnly.class)
  @PodgateNodes(value = @PodgateNode(name = "a4", podSubnet = A4_PODS),
      switchBridge = SWITCH, switchSubnet = "198.19.0.0/24", netnsPrefix = NETNS_PREFIX, linkPrefix = "pgnj")
  static class WrongNode {
    @PodSandbox
    @CriContainer(image = "podgate:busybox", command = {"sleep", "3600"})
    static Pod fine;

    @PodSandbox(node = "a9")
    @CriContainer(image = "podgate:busybox", command = {"sleep", "3600"})
    static Pod misplaced;

    @Test
    void neverRuns() {
      SEEN.add("wrong-node-ran");
    }
  }

  static List<String> addressesIn(String netns) {
    String out = HostCommand.run(List.of("ip", "-n", netns, "-o", "-4", "addr", "show", "dev", "eth0"))
        .orThrow("addresses of eth0 in " + netns).output();
    return Arrays.stream(out.split("\\s+")).filter(w -> w.matches("\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+"))
        .map(w -> w.substring(0, w.indexOf('/'))).toList();
  }

  static List<Map<String, String>> reports(EngineExecutionResults results) {
    return results.allEvents().reportingEntryPublished().stream()
        .map(e -> e.getRequiredPayload(ReportEntry.class).getKeyValuePairs()).toList();
  }

  static void assertNothingOfTheTopologyLeft() {
    String netns = HostCommand.run(List.of("ip", "netns", "list")).orThrow("listing netns").output();
    assertThat(netns.lines().map(l -> l.split("\\s+")[0])).noneMatch(n -> n.startsWith(NETNS_PREFIX));
    String links = HostCommand.run(List.of("ip", "-o", "link", "show")).orThrow("listing links").output();
    assertThat(links.lines().map(l -> l.split(":\\s+")[1].replaceFirst("@.*$", ""))).doesNotContainAnyElementsOf(LINKS);
    String routes = HostCommand.run(List.of("ip", "route", "show", "table", "all")).orThrow("listing routes").output();
    assertThat(routes.lines()).noneMatch(l -> l.startsWith("10.216.") || l.startsWith("10.217."));
  }

  @Test
  void podsOnTwoNodesReachEachOtherAndEverythingIsRemoved() {
    SEEN.clear();
    EngineExecutionResults results = Fixtures.run(TwoNodes.class);
    assertThat(results.allEvents().failed().count()).as(Fixtures.failures(results)).isZero();
    assertThat(results.testEvents().succeeded().count()).isEqualTo(3);
    assertThat(SEEN).hasSize(3).doesNotHaveDuplicates();
    assertThat(reports(results)).anySatisfy(r -> assertThat(r).containsKeys("podgate.node.a4", "podgate.node.a5"));
    assertThat(reports(results)).filteredOn(r -> r.containsKey("podgate.pod")).extracting(r -> r.get("podgate.pod.node"))
        .containsExactlyInAnyOrder("a4", "a5", "a5", null);
    assertNothingOfTheTopologyLeft();
    Fixtures.assertNoPodsLeft(session());
  }

  @Test
  void aPodOnAnUndeclaredNodeFailsBeforeAnythingIsCreated() {
    SEEN.clear();
    EngineExecutionResults results = Fixtures.run(WrongNode.class);
    String failures = Fixtures.failures(results);
    assertThat(failures).contains("@PodSandbox on field WrongNode.misplaced", "node = \"a9\"", "@PodgateNodes", "[a4]");
    assertThat(SEEN).isEmpty();
    assertThat(reports(results)).as("no node and no pod was created").isEmpty();
    assertNothingOfTheTopologyLeft();
    Fixtures.assertNoPodsLeft(session());
  }
}
