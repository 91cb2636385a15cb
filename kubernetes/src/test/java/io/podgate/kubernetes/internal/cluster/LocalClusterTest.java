package io.podgate.kubernetes.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.podgate.internal.image.StandardImages;
import io.podgate.internal.runtime.EmbeddedContainerd;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A one-node local cluster on an embedded containerd: the node gets Ready, the server is v1.20.2, a
 * busybox pod made through fabric8 gets Ready with an IP this JVM reaches; closing the cluster leaves
 * the host as it was (sysctls, kubelet paths, processes, links, ci/host-state lines of this run).
 */
@Tag("containerd")
class LocalClusterTest {
  @Test
  void oneNodeClusterRunsAPodAndLeavesTheHostAsItWas() throws Exception {
    ClusterTestHost.Snapshot before = ClusterTestHost.snapshot();
    Path root = Files.createTempDirectory(ClusterTestHost.workRoot(), "one-node-");
    List<String> ids = new ArrayList<>();
    try {
      run(root, ids);
    } finally {
      io.podgate.internal.host.FileTrees.delete(root);
    }
    assertThat(ClusterTestHost.differences(before, ClusterTestHost.snapshot(), ids)).isEmpty();
  }

  private static void run(Path root, List<String> ids) throws Exception {
    List<Long> pids;
    try (EmbeddedContainerd node = ClusterTestHost.nodeContainerd(root.resolve("ctd"))) {
      LocalClusterOptions options = LocalClusterOptions.builder().name("pgtest").workDir(root.resolve("k8s"))
          .node(new LocalClusterOptions.Node("pg-node-a", node.socket(), "10.171.0.1")).build();
      try (LocalCluster cluster = LocalCluster.start(options);
           KubernetesClient k8s = new KubernetesClientBuilder()
               .withConfig(Config.fromKubeconfig(null, cluster.adminKubeconfig().toFile())).build()) {
        pids = List.copyOf(cluster.pids().values());
        System.out.println("local cluster start-up: " + cluster.startupTimes());
        assertThat(cluster.nodeNames()).containsExactly("pg-node-a");
        assertThat(cluster.version()).isEqualTo("v1.20.2");
        assertThat(k8s.getKubernetesVersion().getGitVersion()).isEqualTo("v1.20.2");
        // a pretty-printed response crashed an apiserver built with the vendored reflect2 1.0.1 and Go 1.19
        assertThat(k8s.raw(cluster.serverUrl() + "/api/v1/namespaces?pretty=true")).contains("\n  \"kind\": \"NamespaceList\"");
        assertThat(ProcessHandle.of(cluster.pids().get("kube-apiserver")).filter(ProcessHandle::isAlive)).isPresent();
        assertThat(k8s.nodes().withName("pg-node-a").get().getStatus().getConditions())
            .anySatisfy(c -> {
              assertThat(c.getType()).isEqualTo("Ready");
              assertThat(c.getStatus()).isEqualTo("True");
            });

        Pod pod = k8s.pods().inNamespace("default").resource(new PodBuilder()
            .withNewMetadata().withName("web").addToLabels("io.podgate.test", "local-cluster").endMetadata()
            .withNewSpec().withRestartPolicy("Never").withAutomountServiceAccountToken(false)
            .withTerminationGracePeriodSeconds(1L)
            .addNewContainer().withName("httpd").withImage(StandardImages.BUSYBOX_REFERENCE)
            .withImagePullPolicy("Never")
            .withCommand("/bin/sh", "-c",
                "mkdir -p /www && echo podgate-k8s-ok > /www/index.html && exec httpd -f -p 8080 -h /www")
            .withNewReadinessProbe().withNewTcpSocket().withNewPort(8080).endTcpSocket()
            .withPeriodSeconds(1).endReadinessProbe()
            .endContainer().endSpec().build()).create();
        Pod ready;
        try {
          ready = k8s.pods().inNamespace("default").withName("web").waitUntilReady(60, TimeUnit.SECONDS);
        } catch (RuntimeException e) {
          throw new AssertionError("pod web not Ready: " + k8s.pods().inNamespace("default").withName("web").get()
              .getStatus().getContainerStatuses() + "\nevents: " + k8s.v1().events().inNamespace("default").list().getItems().stream()
              .map(ev -> ev.getReason() + ": " + ev.getMessage()).toList()
              + "\nkubelet log (errors and lines on the pod):\n" + cluster.logTail("kubelet-pg-node-a", 5000).lines()
              .filter(l -> l.startsWith("E") || l.contains("web")).limit(40).collect(Collectors.joining("\n")), e);
        }
        String ip = ready.getStatus().getPodIP();
        assertThat(io.podgate.testsupport.HostState.subnet().contains(ip)).as("pod IP %s in the node's subnet", ip).isTrue();
        assertThat(httpGet(ip, 8080)).contains("200 OK").endsWith("podgate-k8s-ok\n");

        node.cri().listPodSandbox().forEach(s -> ids.add(s.getId()));
        node.cri().listContainers().forEach(c -> ids.add(c.getId()));
        assertThat(ids).as("sandbox and container of the pod on the node's containerd").hasSizeGreaterThanOrEqualTo(2);

        k8s.resource(pod).withGracePeriod(0).delete();
      }
      assertThat(pids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive))
          .as("cluster process %d after close", pid).isEmpty());
      assertThat(node.cri().listPodSandbox()).as("kubelet pods left on the node containerd").isEmpty();
      assertThat(root.resolve("k8s")).doesNotExist();
    }
  }

  private static String httpGet(String ip, int port) throws IOException {
    try (Socket s = new Socket(ip, port)) {
      s.setSoTimeout(5000);
      s.getOutputStream().write(("GET /index.html HTTP/1.0\r\nHost: " + ip + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      try (InputStream in = s.getInputStream()) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
  }
}
