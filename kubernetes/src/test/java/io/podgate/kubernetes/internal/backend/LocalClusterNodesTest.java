package io.podgate.kubernetes.internal.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.podgate.CriContainer;
import io.podgate.ExecResult;
import io.podgate.NodeInfo;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.PodgateNode;
import io.podgate.PodgateNodes;
import io.podgate.Wait;
import io.podgate.internal.backend.BackendLease;
import io.podgate.internal.backend.PodBackends;
import io.podgate.internal.host.HostCommand;
import io.podgate.internal.host.HostRestore;
import io.podgate.internal.host.Ipv4Subnet;
import io.podgate.measure.ComparisonResult;
import io.podgate.measure.HttpLoadResult;
import io.podgate.measure.Measure;
import io.podgate.measure.Throughput;
import io.podgate.measure.Verdict;
import io.podgate.testsupport.FixtureOnly;
import io.podgate.testsupport.Fixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * {@code @PodgateNodes} on the real local cluster (the module's surefire sets podgate.backend = local-cluster):
 * the seed's a4/a5 layout, each node a network namespace with its containerd and a kubelet of the session's
 * cluster. Pods pinned to a4 and a5 run there (spec.nodeName), reach each other with their own addresses, and
 * node-to-node (host-network pods) vs pod-to-pod iperf3 and an HTTP run from the JVM return figures. After the
 * class, the namespaces, links, routes, kubelets and Node objects are gone and the kubelet's sysctls are as before.
 */
@Tag("containerd")
class LocalClusterNodesTest {
  static final String A4_PODS = "10.176.14.0/24";
  static final String A5_PODS = "10.176.15.0/24";
  static final String SWITCH = "pgknsw0";
  static final String NETNS_PREFIX = "pgkn-";
  static final List<String> LINKS = List.of(SWITCH, "pgkna4", "pgkna5");
  static final String SERVER_LINE = "podgate-server-up";
  static final String CLIENT_LINE = "podgate-client-up";
  /** Longer than the kubelet's container GC period (one minute, not configurable in v1.20). */
  static final Duration KUBELET_GC = Duration.ofSeconds(75);
  /** Answers with the client's address (so the test sees whether traffic was masqueraded) and serves a page. */
  static final String WHO_AM_I = "echo " + SERVER_LINE + " && mkdir -p /www/cgi-bin && echo podgate-node-ok > /www/index.html && printf"
      + " '#!/bin/sh\\necho Content-Type: text/plain\\necho\\necho $REMOTE_ADDR\\n' > /www/cgi-bin/peer"
      + " && chmod +x /www/cgi-bin/peer && exec httpd -f -p 8080 -h /www";
  static final Map<String, String> SEEN = new ConcurrentHashMap<>();
  /** Held for the class, so the fixtures share one session cluster instead of each starting one. */
  @RegisterExtension
  static final HeldBackend cluster = new HeldBackend();

  @Podgate
  @ExtendWith(FixtureOnly.class)
  @PodgateNodes(value = {@PodgateNode(name = "a4", podSubnet = A4_PODS), @PodgateNode(name = "a5", podSubnet = A5_PODS)},
      switchBridge = SWITCH, switchSubnet = "10.176.1.0/24", netnsPrefix = NETNS_PREFIX, linkPrefix = "pgkn")
  static class TwoNodes {
    @PodSandbox(node = "a4")
    @CriContainer(name = "client", image = "podgate:debug", command = {"sh", "-c", "echo " + CLIENT_LINE + " && exec sleep 3600"})
    static Pod client;

    @PodSandbox(node = "a5")
    @CriContainer(name = "server", image = "podgate:debug", command = {"sh", "-c", WHO_AM_I},
        waitFor = @Wait(exec = {"wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/index.html"}, timeoutSeconds = 30))
    static Pod server;

    /** The nodes' own network (k8s-netperf's host-network client and server): the node-to-node baseline. */
    @PodSandbox(node = "a4", config = "host-network.json")
    @CriContainer(name = "node", image = "podgate:debug", command = {"sleep", "3600"})
    static Pod a4Host;

    @PodSandbox(node = "a5", config = "host-network.json")
    @CriContainer(name = "node", image = "podgate:debug", command = {"sleep", "3600"})
    static Pod a5Host;

    @Test
    void podsRunOnTheirClusterNodesAndReachEachOther() {
      NodeInfo a4 = client.node().orElseThrow();
      NodeInfo a5 = server.node().orElseThrow();
      assertThat(a4.name()).isEqualTo("a4");
      assertThat(a5.name()).isEqualTo("a5");
      assertThat(a4.podSubnet()).isEqualTo(A4_PODS);
      assertThat(a5.podSubnet()).isEqualTo(A5_PODS);
      assertThat(Ipv4Subnet.parse(A4_PODS).contains(client.ip())).as("client IP %s in %s", client.ip(), A4_PODS).isTrue();
      assertThat(Ipv4Subnet.parse(A5_PODS).contains(server.ip())).as("server IP %s in %s", server.ip(), A5_PODS).isTrue();
      assertThat(nodeNameOf(client)).isEqualTo("a4");
      assertThat(nodeNameOf(server)).isEqualTo("a5");
      assertThat(nodeNameOf(a4Host)).isEqualTo("a4");
      assertThat(a4Host.ip()).as("a host-network pod has its node's address").isEqualTo(a4.address());
      assertThat(a5Host.ip()).isEqualTo(a5.address());
      assertThat(a4.address()).isNotEqualTo(a5.address());

      // busybox wget -T crashes; the exec timeout bounds the request instead
      ExecResult r = client.container("client").exec(Duration.ofSeconds(15), "wget", "-q", "-O", "-",
          "http://" + server.ip() + ":8080/cgi-bin/peer");
      assertThat(r.exitCode()).as("wget from the a4 pod to the a5 pod: %s", r).isZero();
      String peer = r.stdout().strip().replaceAll("^\\[::ffff:|\\]$", "");
      assertThat(peer).as("the server sees the client's own pod address, said %s", r.stdout()).isEqualTo(client.ip());
      SEEN.put("pods", client.id() + " " + server.id());
    }

    @Test
    void nodeToNodeAgainstPodToPodAndHttpFromTheJvm(Measure measure) {
      ComparisonResult c = measure.throughput(Throughput.between(client.container("client"), server.container("server"))
              .named("pod a4->pod a5 (pod-ip)"))
          .durationSeconds(1)
          .against(Throughput.between(a4Host.container("node"), a5Host.container("node")).named("node a4->node a5"))
          .rounds(3, 3).evaluate();
      assertThat(c.verdict()).isEqualTo(Verdict.UNGATED);
      assertThat(c.rounds()).isEqualTo(3);
      assertThat(c.baselineDescription()).contains("node a4->node a5");
      assertThat(c.subjectDescription()).contains("pod a4->pod a5 (pod-ip)");
      assertThat(c.baselineValues()).hasSize(3).allSatisfy(v -> assertThat(v).isPositive());
      assertThat(c.subjectValues()).hasSize(3).allSatisfy(v -> assertThat(v).isPositive());
      assertThat(Double.isFinite(c.medianOverhead())).isTrue();

      HttpLoadResult h = measure.http("http://" + server.ip() + ":8080/index.html").connections(2).seconds(1).run();
      assertThat(h.totalRequests()).isPositive();
      assertThat(h.errors()).isZero();
      assertThat(h.non2xx()).isZero();
      SEEN.put("measured", c.summary());
    }

    /**
     * Each kubelet's container GC (every minute) deletes the pod log directories in its /var/log/pods whose pods
     * it does not run; with one /var/log/pods for every kubelet on the host, a4's kubelet emptied a5's pod logs and
     * the other way round. Each node's containerd and kubelet now share a /var/log of the node.
     */
    @Test
    void logsOfPodsOnBothNodesOutliveTheKubeletsContainerGc() throws InterruptedException {
      Instant created = Instant.parse(clusterPodOf(server).getMetadata().getCreationTimestamp());
      Duration left = Duration.between(Instant.now(), created.plus(KUBELET_GC));
      if (!left.isNegative()) {
        Thread.sleep(left.toMillis());
      }
      assertThat(server.container("server").logs()).contains(SERVER_LINE);
      assertThat(client.container("client").logs()).contains(CLIENT_LINE);
      assertThat(server.logDirectory().resolve("server/0.log")).as("a5's own /var/log/pods").isRegularFile();
      assertThat(client.logDirectory().resolve("client/0.log")).as("a4's own /var/log/pods").isRegularFile();
      assertThat(server.logDirectory().getParent()).isNotEqualTo(client.logDirectory().getParent())
          .isNotEqualTo(Path.of("/var/log/pods"));
      assertThat(Path.of("/var/log/pods").resolve(server.logDirectory().getFileName()))
          .as("the host's /var/log/pods, where the session node's kubelet runs its GC").doesNotExist();
      SEEN.put("logs", server.logDirectory() + " " + client.logDirectory());
    }

    @Test
    void parameterPodOnANode(@PodSandbox(node = "a5") @CriContainer(image = "podgate:busybox", command = {"sleep", "3600"}) Pod extra) {
      assertThat(extra.node()).map(NodeInfo::name).hasValue("a5");
      assertThat(nodeNameOf(extra)).isEqualTo("a5");
      assertThat(Ipv4Subnet.parse(A5_PODS).contains(extra.ip())).isTrue();
      SEEN.put("parameter", extra.id());
    }

    @Test
    void podWithoutNodeRunsOnTheSessionNode(@PodSandbox @CriContainer(image = "podgate:busybox", command = {"sleep", "3600"}) Pod plain) {
      assertThat(plain.node()).isEmpty();
      assertThat(nodeNameOf(plain)).as("the netns nodes are tainted: only pinned pods go there")
          .isEqualTo(LocalClusterBackendProvider.NODE_NAME);
      SEEN.put("plain", plain.id());
    }

    /** spec.nodeName of the cluster Pod behind {@code pod}, through the session backend's fabric8 client. */
    static String nodeNameOf(Pod pod) {
      return clusterPodOf(pod).getSpec().getNodeName();
    }

    static io.fabric8.kubernetes.api.model.Pod clusterPodOf(Pod pod) {
      try (BackendLease lease = PodBackends.acquire()) {
        KubernetesPodBackend b = (KubernetesPodBackend) lease.backend();
        return b.client().pods().inNamespace(b.namespace()).list().getItems().stream()
            .filter(p -> p.getMetadata().getUid().equals(pod.id())).findFirst().orElseThrow();
      }
    }
  }

  @Podgate
  @ExtendWith(FixtureOnly.class)
  @PodgateNodes(value = @PodgateNode(name = "a4", podSubnet = A4_PODS, address = "10.176.1.9",
      endpoint = "unix:///run/pg-kn-no-such/a4.sock"), switchBridge = SWITCH, switchSubnet = "10.176.1.0/24",
      netnsPrefix = NETNS_PREFIX, linkPrefix = "pgkn")
  static class RemoteNode {
    @PodSandbox(node = "a4")
    @CriContainer(image = "podgate:busybox", command = {"sleep", "3600"})
    static Pod pinned;

    @Test
    void neverRuns() {
      SEEN.put("remote-ran", "");
    }
  }

  @Podgate
  @ExtendWith(FixtureOnly.class)
  @PodgateNodes(value = @PodgateNode(name = "A4", podSubnet = A4_PODS), switchBridge = SWITCH,
      switchSubnet = "10.176.1.0/24", netnsPrefix = NETNS_PREFIX, linkPrefix = "pgkn")
  static class NotADnsLabel {
    @PodSandbox(node = "A4")
    @CriContainer(image = "podgate:busybox", command = {"sleep", "3600"})
    static Pod pinned;

    @Test
    void neverRuns() {
      SEEN.put("upper-ran", "");
    }
  }

  @Test
  void remoteNodesAndNamesThatAreNoNodeNameAreRefusedBeforeAnythingIsCreated() {
    SEEN.clear();
    assertThat(Fixtures.failures(Fixtures.run(RemoteNode.class))).contains("@PodgateNodes on RemoteNode",
        "@PodgateNode(name = \"a4\").endpoint is not supported on the local-cluster backend");
    assertThat(Fixtures.failures(Fixtures.run(NotADnsLabel.class))).contains("@PodgateNodes on NotADnsLabel",
        "@PodgateNode(name = \"A4\") becomes a Kubernetes node name", "must be a DNS label");
    assertThat(SEEN).isEmpty();
    assertNothingOfTheNodesLeft(List.of("a4", "A4"), NETNS_PREFIX, LINKS, List.of("10.176.14."));
    assertThat(cluster.backend().client().nodes().list().getItems()).extracting(n -> n.getMetadata().getName())
        .containsExactly(LocalClusterBackendProvider.NODE_NAME);
  }

  @Test
  void podsOnTwoClusterNodesReachEachOtherAreMeasuredAndEverythingIsRemoved() {
    SEEN.clear();
    Map<String, String> sysctls = sysctls();
    EngineExecutionResults results = Fixtures.run(TwoNodes.class);
    assertThat(results.allEvents().failed().count()).as(Fixtures.failures(results)).isZero();
    assertThat(results.testEvents().succeeded().count()).isEqualTo(5);
    assertThat(SEEN).containsOnlyKeys("pods", "measured", "parameter", "plain", "logs");
    System.out.println("pod logs of the nodes: " + SEEN.get("logs"));
    System.out.println("node-to-node vs pod-to-pod on the local cluster: " + SEEN.get("measured"));
    assertThat(reports(results)).anySatisfy(r -> assertThat(r).containsKeys("podgate.node.a4", "podgate.node.a5"));
    assertThat(reports(results)).filteredOn(r -> r.containsKey("podgate.node.a4"))
        .allSatisfy(r -> assertThat(r.get("podgate.node.a4")).contains("cluster node a4", "path pod-ip"));
    assertThat(reports(results)).filteredOn(r -> r.containsKey("podgate.pod")).extracting(r -> r.get("podgate.pod.node"))
        .containsExactlyInAnyOrder("a4", "a5", "a4", "a5", "a5", null);

    assertNothingOfTheNodesLeft(List.of("a4", "a5"), NETNS_PREFIX, LINKS, List.of("10.176.14.", "10.176.15."));
    assertThat(cluster.backend().client().nodes().list().getItems()).extracting(n -> n.getMetadata().getName())
        .containsExactly(LocalClusterBackendProvider.NODE_NAME);
    assertThat(sysctls()).as("the kubelet's sysctls").isEqualTo(sysctls);
  }

  /** extension's NodesTest.TwoNodes, unchanged, on the local cluster. */
  @Test
  void theExtensionsTwoNodeClassRunsUnchanged() {
    EngineExecutionResults results = EngineTestKit.engine("junit-jupiter").configurationParameter(Fixtures.FLAG, "true")
        .selectors(selectClass("io.podgate.internal.junit.NodesTest$TwoNodes")).execute();
    assertThat(results.allEvents().failed().count()).as(Fixtures.failures(results)).isZero();
    assertThat(results.testEvents().succeeded().count()).isEqualTo(3);
    assertNothingOfTheNodesLeft(List.of("a4", "a5"), "pgnj-", List.of("pgnjsw0", "pgnja4", "pgnja5"),
        List.of("10.216.", "10.217."));
    assertThat(cluster.backend().client().nodes().list().getItems()).extracting(n -> n.getMetadata().getName())
        .containsExactly(LocalClusterBackendProvider.NODE_NAME);
  }

  static void assertNothingOfTheNodesLeft(List<String> nodes, String netnsPrefix, List<String> links, List<String> routes) {
    String netns = HostCommand.run(List.of("ip", "netns", "list")).orThrow("listing netns").output();
    assertThat(netns.lines().map(l -> l.split("\\s+")[0])).noneMatch(n -> n.startsWith(netnsPrefix));
    String all = HostCommand.run(List.of("ip", "-o", "link", "show")).orThrow("listing links").output();
    assertThat(all.lines().map(l -> l.split(":\\s+")[1].replaceFirst("@.*$", ""))).doesNotContainAnyElementsOf(links);
    String table = HostCommand.run(List.of("ip", "route", "show", "table", "all")).orThrow("listing routes").output();
    assertThat(table.lines()).noneMatch(l -> routes.stream().anyMatch(l::startsWith));
    assertThat(ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
        .filter(c -> c.contains("kubelet") && nodes.stream().anyMatch(n -> c.contains("--hostname-override=" + n + " "))))
        .as("kubelets of the nodes").isEmpty();
  }

  static Map<String, String> sysctls() {
    Map<String, String> out = new TreeMap<>();
    for (String k : List.of("vm.overcommit_memory", "kernel.panic", "kernel.panic_on_oops", "vm.panic_on_oom")) {
      out.put(k, HostRestore.readSysctl(k));
    }
    return out;
  }

  static List<Map<String, String>> reports(EngineExecutionResults results) {
    return results.allEvents().reportingEntryPublished().stream()
        .map(e -> e.getRequiredPayload(ReportEntry.class).getKeyValuePairs()).toList();
  }
}
