package io.podgate.internal.topology;

import static io.podgate.assertj.PodgateAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.podgate.measure.ComparisonResult;
import io.podgate.measure.GateFailedError;
import io.podgate.measure.Gates;
import io.podgate.measure.ThroughputOptions;
import io.podgate.ExecResult;
import io.podgate.internal.image.BuiltImage;
import io.podgate.internal.image.StandardImages;
import io.podgate.internal.measure.iperf.ThroughputPath;
import io.podgate.internal.measure.iperf.ContainerCommandRunner;
import io.podgate.internal.measure.iperf.NetnsCommandRunner;
import io.podgate.internal.host.HostCommand;
import io.podgate.internal.host.HostProcesses;
import io.podgate.testsupport.RequiresContainerd;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two real nodes (netns pgn-a4, pgn-a5, each with its own containerd), pods on both, traffic across them,
 * gates on node-to-node against pod-to-pod throughput, a remote node given by endpoint, and teardown.
 */
@RequiresContainerd
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TopologyIntegrationTest {
  static final Path PRIVATE = Path.of("/tmp/pg-nodes");
  static final Path STATE = PRIVATE.resolve("state");
  static final String A4_PODS = "10.214.0.0/16";
  static final String A5_PODS = "10.215.0.0/16";
  private static final ThroughputOptions ONE_SECOND = ThroughputOptions.builder().durationSeconds(1).build();
  /** Serves its client's address, so a test sees whether a request arrived masqueraded. */
  private static final String WHO_AM_I_SERVER = "mkdir -p /www/cgi-bin && printf '#!/bin/sh\\necho Content-Type:"
      + " text/plain\\necho\\necho $REMOTE_ADDR\\n' > /www/cgi-bin/peer && chmod +x /www/cgi-bin/peer"
      + " && exec httpd -f -p 8080 -h /www";

  private Topology topology;
  private NodePod onA4;
  private NodePod onA5;
  private final List<Path> podNetns = new ArrayList<>();

  static Topology.Builder twoNodes() {
    return Topology.builder().node("a4", A4_PODS).node("a5", A5_PODS)
        .switchBridge("pgnsw0").switchSubnet("198.18.0.0/24").netnsPrefix("pgn-").linkPrefix("pgn").stateDir(STATE);
  }

  @BeforeAll
  void startTwoNodes() {
    StandardImages images = new StandardImages(PRIVATE.resolve("images"));
    BuiltImage pause = images.pause();
    BuiltImage debug = images.debug();
    topology = twoNodes().sandboxImage(pause.reference()).build().start();
    for (Node n : topology.nodes()) {
      n.importImage(pause);
      n.importImage(debug);
    }
    List<String> server = List.of("sh", "-c", WHO_AM_I_SERVER);
    onA4 = topology.node("a4").runPod("web-a4", debug.reference(), server);
    onA5 = topology.node("a5").runPod("web-a5", debug.reference(), server);
    for (NodePod p : List.of(onA4, onA5)) {
      podNetns.add(netnsPathOf(p));
    }
  }

  @AfterAll
  void closeIfStillOpen() {
    if (topology != null) {
      topology.close();
    }
  }

  @Test
  @Order(1)
  void eachNodeIsItsOwnNamespaceWithItsOwnDaemonBridgeAndPodSubnet() throws Exception {
    Node a4 = topology.node("a4");
    Node a5 = topology.node("a5");
    assertThat(a4.address()).isEqualTo("198.18.0.2");
    assertThat(a5.address()).isEqualTo("198.18.0.3");
    assertThat(topology.hostAddress()).isEqualTo("198.18.0.1");
    for (Node n : List.of(a4, a5)) {
      Object nodeNs = Files.getAttribute(Path.of("/var/run/netns", n.netns().orElseThrow()), "unix:ino");
      long pid = n.daemon().orElseThrow().pid();
      assertThat(Files.getAttribute(Path.of("/proc", Long.toString(pid), "ns", "net"), "unix:ino"))
          .as("containerd of %s runs in netns %s", n.name(), n.netns().get()).isEqualTo(nodeNs);
      assertThat(HostCommand.run(List.of("ip", "-n", n.netns().get(), "link", "show", "cbr0")).ok())
          .as("pod bridge inside %s", n.netns().get()).isTrue();
      assertThat(n.socket()).exists();
    }
    assertThat(Path.of("/sys/class/net/cbr0")).as("no pod bridge on the host").doesNotExist();
    assertThat(a4.podSubnet().contains(onA4.ip())).as("a4 pod IP %s", onA4.ip()).isTrue();
    assertThat(a5.podSubnet().contains(onA5.ip())).as("a5 pod IP %s", onA5.ip()).isTrue();
    String hostRoutes = HostCommand.run(List.of("ip", "-4", "route")).output();
    assertThat(hostRoutes).contains(A4_PODS + " via 198.18.0.2 dev pgnsw0").contains(A5_PODS + " via 198.18.0.3 dev pgnsw0");
    assertThat(HostCommand.run(List.of("ip", "-n", "pgn-a4", "-4", "route")).output()).contains(A5_PODS + " via 198.18.0.3");
    assertThat(HostCommand.run(List.of("ip", "-n", "pgn-a5", "-4", "route")).output()).contains(A4_PODS + " via 198.18.0.2");
    assertThat(HostCommand.run(List.of("ip", "netns", "exec", "pgn-a4", "cat", "/proc/sys/net/ipv4/ip_forward"))
        .output().strip()).isEqualTo("1");
  }

  @Test
  @Order(2)
  void podsReachEachOtherAcrossNodesBothWaysWithTheirOwnAddresses() {
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
      ExecResult there = onA4.exec(List.of("wget", "-qO-", "http://" + onA5.ip() + ":8080/cgi-bin/peer"),
          Duration.ofSeconds(10));
      assertThat(there.exitCode()).as("a4 pod -> a5 pod: %s", there.stderr()).isZero();
      assertThat(there.stdout().strip().replace("[::ffff:", "").replace("]", "")).as("a5 pod sees the a4 pod's own address").isEqualTo(onA4.ip());
    });
    ExecResult back = onA5.exec(List.of("wget", "-qO-", "http://" + onA4.ip() + ":8080/cgi-bin/peer"),
        Duration.ofSeconds(10));
    assertThat(back.exitCode()).as("a5 pod -> a4 pod: %s", back.stderr()).isZero();
    assertThat(back.stdout().strip().replace("[::ffff:", "").replace("]", "")).isEqualTo(onA5.ip());
  }

  @Test
  @Order(3)
  void theHostReachesPodsOnBothNodesThroughTheNodeRoutes() throws Exception {
    HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).connectTimeout(Duration.ofSeconds(3))
        .build();
    for (NodePod p : List.of(onA4, onA5)) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + p.ip() + ":8080/cgi-bin/peer"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body().strip().replace("[::ffff:", "").replace("]", "")).as("the host's switch address").isEqualTo(topology.hostAddress());
    }
  }

  @Test
  @Order(14)
  void aGenerousCrossNodeGatePasses() {
    ThroughputPath nodes = nodeToNode(topology.node("a4"), topology.node("a5"));
    ThroughputPath pods = podToPod(onA4, onA5);
    var pod = pods.measure(ONE_SECOND);
    assertThat(pod).hasLabel("pod a4->a5").hasReceiverThroughputAtLeastMbits(1);
    assertThat(pod.server().host()).isEqualTo(onA5.ip());
    ComparisonResult result = Gates.overhead(nodes.receiverBitsPerSecond(ONE_SECOND),
            pods.receiverBitsPerSecond(ONE_SECOND))
        .atMostPercent(75)
        .rounds(6, 9)
        .check();
    System.out.println(result.summary());
    assertThat(result).passed();
    assertThat(result.baselineDescription()).isEqualTo("node a4->a5 receiver bit/s");
    assertThat(result.subjectDescription()).isEqualTo("pod a4->a5 receiver bit/s");
  }

  @Test
  @Order(15)
  void theSameGateFailsWhenThePodsVethIsThrottled() {
    ThroughputPath nodes = nodeToNode(topology.node("a4"), topology.node("a5"));
    ThroughputPath pods = podToPod(onA4, onA5);
    double nodeRate = nodes.measure(ONE_SECOND).receiverBitsPerSecond();
    long rate = (long) (nodeRate * 0.15);
    String veth = onA5.nodeSideVeth();
    String ns = topology.node("a5").netns().orElseThrow();
    HostCommand.run(List.of("ip", "netns", "exec", ns, "tc", "qdisc", "add", "dev", veth, "root", "tbf",
        "rate", Long.toString(rate / 1000) + "kbit", "burst", "256kb", "latency", "50ms")).orThrow("throttling " + veth);
    try {
      GateFailedError error = catchThrowableOfType(GateFailedError.class,
          () -> Gates.overhead(nodes.receiverBitsPerSecond(ONE_SECOND), pods.receiverBitsPerSecond(ONE_SECOND))
              .atMostPercent(75)
              .rounds(6, 9)
              .check());
      assertThat(error).as("a 75 %% gate with a5's pod veth %s throttled to %.2f Gbit/s", veth, rate / 1e9).isNotNull();
      System.out.println(error.getMessage());
      assertThat(error.result()).failed().hasOverheadAbovePercent(75);
      assertThat(error.result().subjectValues()).allSatisfy(v -> assertThat(v).isLessThan(rate * 1.2));
    } finally {
      HostCommand.run(List.of("ip", "netns", "exec", ns, "tc", "qdisc", "del", "dev", veth, "root"));
    }
  }

  @Test
  @Order(6)
  void aRemoteNodeGivenByEndpointGetsPodsButNothingElse() throws Exception {
    Node a5 = topology.node("a5");
    assertThat(a5.daemon().orElseThrow().isRunning()).as("a5's daemon: %s", a5.daemon().get().logTail(40)).isTrue();
    List<String> netnsBefore = ours(list("/var/run/netns"));
    List<String> linksBefore = ours(list("/sys/class/net"));
    String routesBefore = ourRoutes();
    Topology remote = Topology.builder()
        .remoteNode("r5", A5_PODS, a5.address(), "unix://" + a5.socket())
        .stateDir(STATE)
        .build()
        .start();
    String id;
    try {
      Node r5 = remote.node("r5");
      assertThat(r5.remote()).isTrue();
      assertThat(r5.netns()).isEmpty();
      assertThat(r5.daemon()).isEmpty();
      assertThat(ours(list("/var/run/netns"))).isEqualTo(netnsBefore);
      assertThat(ours(list("/sys/class/net"))).isEqualTo(linksBefore);
      assertThat(ourRoutes()).isEqualTo(routesBefore);
      NodePod pod = r5.runPod("via-endpoint", StandardImages.DEBUG_REFERENCE, List.of("sh", "-c", WHO_AM_I_SERVER));
      id = pod.id();
      assertThat(A5_PODS).isEqualTo(r5.podSubnet().toString());
      assertThat(r5.podSubnet().contains(pod.ip())).isTrue();
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
          assertThat(onA4.exec(List.of("wget", "-qO-", "http://" + pod.ip() + ":8080/cgi-bin/peer"),
              Duration.ofSeconds(10)).stdout().strip().replace("[::ffff:", "").replace("]", "")).isEqualTo(onA4.ip()));
      assertThat(remote.leftovers()).isEmpty();
    } finally {
      remote.close();
    }
    assertThat(a5.daemon().orElseThrow().isRunning()).as("the remote node's daemon keeps running").isTrue();
    assertThat(a5.cri().listPodSandbox()).extracting(p -> p.getId()).doesNotContain(id).contains(onA5.id());
    assertThat(ours(list("/var/run/netns"))).isEqualTo(netnsBefore);
    assertThat(ours(list("/sys/class/net"))).isEqualTo(linksBefore);
    assertThat(ourRoutes()).isEqualTo(routesBefore);
  }

  @Test
  @Order(20)
  void closingLeavesNothingBehind() {
    List<Long> daemons = new ArrayList<>();
    List<Long> shims = new ArrayList<>();
    for (Node n : topology.nodes()) {
      daemons.add(n.daemon().orElseThrow().pid());
      shims.addAll(n.daemon().get().shimPids());
    }
    assertThat(shims).isNotEmpty();
    long watcher = topology.watcherPid();
    assertThat(HostProcesses.alive(watcher)).as("watcher outside the JVM").isTrue();
    Path dir = topology.dir().orElseThrow();
    List<String> iptablesInNode = HostCommand.run(List.of("ip", "netns", "exec", "pgn-a4", "iptables-save", "-t", "nat"))
        .output().lines().filter(l -> l.contains("10.214.0.0/16")).toList();
    assertThat(iptablesInNode).as("no-masquerade and CNI rules live in the node's namespace").isNotEmpty();

    topology.close();

    assertThat(topology.leftovers()).isEmpty();
    assertThat(list0("/var/run/netns")).doesNotContain("pgn-a4", "pgn-a5");
    assertThat(podNetns).allSatisfy(p -> assertThat(p).doesNotExist());
    assertThat(list0("/sys/class/net")).doesNotContain("pgnsw0", "pgna4", "pgna5", "pgna4n", "pgna5n");
    String routes = HostCommand.run(List.of("ip", "-4", "route", "show", "table", "all")).output();
    assertThat(routes).doesNotContain("10.214.").doesNotContain("10.215.").doesNotContain("198.18.0.");
    String hostNat = HostCommand.run(List.of("iptables-save")).output();
    assertThat(hostNat).doesNotContain("10.214.").doesNotContain("10.215.").doesNotContain("198.18.0.");
    for (long p : concat(daemons, shims)) {
      await().atMost(Duration.ofSeconds(10)).untilAsserted(
          () -> assertThat(HostProcesses.alive(p)).as("process %d after close", p).isFalse());
    }
    await().atMost(Duration.ofSeconds(10)).untilAsserted(
        () -> assertThat(HostProcesses.alive(watcher)).as("watcher %d after close", watcher).isFalse());
    assertThat(dir).doesNotExist();
    topology.close(); // a second close is a no-op
  }

  /** Names this test class may create (other work on this host uses other prefixes). */
  private static List<String> ours(List<String> names) {
    return names.stream().filter(n -> n.startsWith("pgn")).toList();
  }

  private static String ourRoutes() {
    return HostCommand.run(List.of("ip", "-4", "route", "show", "table", "all")).output().lines()
        .filter(l -> l.contains("10.214.") || l.contains("10.215.") || l.contains("198.18.")).sorted()
        .collect(java.util.stream.Collectors.joining("\n"));
  }

  private static List<Long> concat(List<Long> a, List<Long> b) {
    List<Long> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  static List<String> list(String dir) throws java.io.IOException {
    if (!Files.isDirectory(Path.of(dir))) {
      return List.of();
    }
    try (var s = Files.list(Path.of(dir))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  static List<String> list0(String dir) {
    try {
      return list(dir);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private static Path netnsPathOf(NodePod p) {
    String info = p.node().cri().podSandboxStatus(p.id(), true).getInfoOrDefault("info", "");
    Matcher m = Pattern.compile("\"(/var/run/netns/[^\"]+)\"").matcher(info);
    assertThat(m.find()).as("netns path in verbose status of %s", p).isTrue();
    return Path.of(m.group(1));
  }

  /** iperf3 server in a5's namespace on its node address, client in a4's namespace. */
  private static ThroughputPath nodeToNode(Node client, Node server) {
    return ThroughputPath.between("node " + client.name() + "->" + server.name(),
        new NetnsCommandRunner(server.netns().orElseThrow()), server.address(),
        new NetnsCommandRunner(client.netns().orElseThrow()));
  }

  /** iperf3 server in pod {@code server}, client in pod {@code client}, both through CRI exec. */
  private static ThroughputPath podToPod(NodePod client, NodePod server) {
    return ThroughputPath.between("pod " + client.node().name() + "->" + server.node().name(),
        new ContainerCommandRunner(server.node().cri(), server.containerId(), "pod " + server.name()), server.ip(),
        new ContainerCommandRunner(client.node().cri(), client.containerId(), "pod " + client.name()));
  }
}
