package io.podgate.kubernetes.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.podgate.internal.host.FileTrees;
import io.podgate.internal.host.Ipv4Subnet;
import io.podgate.internal.image.StandardImages;
import io.podgate.internal.topology.Node;
import io.podgate.internal.topology.Topology;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two nodes as podgate's topology makes them (a network namespace each with its containerd, joined
 * by a switch bridge), each with its kubelet in its namespace: both get Ready, a pod pinned to each
 * runs in that node's pod subnet, the pod on a4 fetches from the pod on a5 (exec through the
 * apiserver and a4's kubelet), each pod's log is in its node's own /var/log (the node's containerd and kubelet
 * share a mount namespace) and readable through the API, and closing leaves the host as it was.
 */
@Tag("containerd")
class TwoNodeClusterTest {
  private static final String A4_PODS = "10.71.4.0/24";
  private static final String A5_PODS = "10.71.5.0/24";

  @Test
  void kubeletsInTheNodesNamespacesRunPodsThatReachEachOther() throws Exception {
    ClusterTestHost.Snapshot before = ClusterTestHost.snapshot();
    Path root = Files.createTempDirectory(ClusterTestHost.workRoot(), "2n"); // short: containerd sockets under it
    List<String> ids = new ArrayList<>();
    try (Topology topology = Topology.builder().node("a4", A4_PODS).node("a5", A5_PODS)
        .switchBridge("pgkcsw0").switchSubnet("10.171.1.0/24").netnsPrefix("pgkc-").linkPrefix("pgkc")
        .stateDir(root.resolve("t")).privateVarLog(true).build().start()) {
      StandardImages images = ClusterTestHost.images();
      for (Node n : topology.nodes()) {
        n.importImage(images.pause());
        n.importImage(images.busybox());
      }
      LocalClusterOptions.Builder options = LocalClusterOptions.builder().name("pgtwo").workDir(root.resolve("k8s"))
          .apiserverAddress(topology.hostAddress());
      topology.nodes().forEach(n -> options.node(new LocalClusterOptions.Node(n.name(), n.socket(), n.address(), n.netns(),
          Optional.of(Path.of("/proc", Long.toString(n.daemon().orElseThrow().pid()), "ns", "mnt")))));
      try (LocalCluster cluster = LocalCluster.start(options.build());
           KubernetesClient k8s = new KubernetesClientBuilder()
               .withConfig(Config.fromKubeconfig(null, cluster.adminKubeconfig().toFile())).build()) {
        System.out.println("two-node cluster start-up: " + cluster.startupTimes());
        assertThat(k8s.nodes().list().getItems()).extracting(n -> n.getMetadata().getName())
            .containsExactlyInAnyOrder("a4", "a5");
        Pod server = web(k8s, "web-a5", "a5");
        Pod client = web(k8s, "web-a4", "a4");
        assertThat(Ipv4Subnet.parse(A5_PODS).contains(server.getStatus().getPodIP())).isTrue();
        assertThat(Ipv4Subnet.parse(A4_PODS).contains(client.getStatus().getPodIP())).isTrue();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ExecWatch exec = k8s.pods().inNamespace("default").withName("web-a4").writingOutput(out)
            .exec("wget", "-q", "-O", "-", "http://" + server.getStatus().getPodIP() + ":8080/index.html")) {
          assertThat(exec.exitCode().get(30, TimeUnit.SECONDS)).isZero();
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("podgate-k8s-ok web-a5\n");
        for (Pod p : List.of(server, client)) {
          Node node = topology.nodes().stream().filter(n -> n.name().equals(p.getSpec().getNodeName())).findFirst().orElseThrow();
          String dir = "default_" + p.getMetadata().getName() + "_" + p.getMetadata().getUid();
          assertThat(node.daemon().orElseThrow().privateVarLog().orElseThrow().resolve("pods").resolve(dir)
              .resolve("httpd/0.log")).as("the pod's log in its node's own /var/log").isRegularFile();
          assertThat(Path.of("/var/log/pods", dir)).as("the host's /var/log/pods").doesNotExist();
          assertThat(k8s.pods().inNamespace("default").withName(p.getMetadata().getName()).getLog())
              .isEqualTo("log-of-" + p.getMetadata().getName() + "\n");
        }
        for (Node n : topology.nodes()) {
          n.cri().listPodSandbox().forEach(s -> ids.add(s.getId()));
        }
      }
      for (Node n : topology.nodes()) {
        assertThat(n.cri().listPodSandbox()).as("kubelet pods left on node %s", n.name()).isEmpty();
      }
    } finally {
      FileTrees.delete(root);
    }
    assertThat(ClusterTestHost.differences(before, ClusterTestHost.snapshot(), ids, List.of("pgkc-", "pgkcsw0", "pgkca"),
        List.of(A4_PODS, A5_PODS, "10.171.1.0/24"))).isEmpty();
  }

  private static Pod web(KubernetesClient k8s, String name, String node) {
    k8s.pods().inNamespace("default").resource(new PodBuilder()
        .withNewMetadata().withName(name).endMetadata()
        .withNewSpec().withNodeName(node).withRestartPolicy("Never").withAutomountServiceAccountToken(false)
        .withTerminationGracePeriodSeconds(1L)
        .addNewContainer().withName("httpd").withImage(StandardImages.BUSYBOX_REFERENCE).withImagePullPolicy("Never")
        .withCommand("/bin/sh", "-c", "mkdir -p /www && echo podgate-k8s-ok " + name
            + " > /www/index.html && echo log-of-" + name + " && exec httpd -f -p 8080 -h /www")
        .withNewReadinessProbe().withNewTcpSocket().withNewPort(8080).endTcpSocket().withPeriodSeconds(1)
        .endReadinessProbe().endContainer().endSpec().build()).create();
    return k8s.pods().inNamespace("default").withName(name).waitUntilReady(60, TimeUnit.SECONDS);
  }
}
