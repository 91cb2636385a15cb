package io.podgate.kubernetes.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podgate.PodgateException;
import io.podgate.internal.host.FileTrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A node whose CRI socket is absent is refused before anything starts; one whose socket is no
 * containerd (a plain file): start fails quoting the kubelet's own reason, and
 * everything already started (etcd, control plane, the node's link, the kubelet's host changes) is gone.
 */
@Tag("containerd")
class LocalClusterFailureTest {
  @Test
  void aKubeletThatCannotReachItsRuntimeFailsTheStartAndLeavesNothing() throws Exception {
    ClusterTestHost.Snapshot before = ClusterTestHost.snapshot();
    Path root = Files.createTempDirectory(ClusterTestHost.workRoot(), "failing-");
    Path absent = Files.createFile(root.resolve("not-a-socket.sock"));
    assertThatThrownBy(() -> LocalCluster.start(LocalClusterOptions.builder().name("pgfail")
        .workDir(root.resolve("k8s")).node(new LocalClusterOptions.Node("pg-node-x", root.resolve("absent.sock"),
            "10.171.0.3")).build()))
        .hasMessageContaining("node pg-node-x: its CRI socket " + root.resolve("absent.sock") + " does not exist");
    assertThat(root.resolve("k8s")).doesNotExist();
    try {
      assertThatThrownBy(() -> LocalCluster.start(LocalClusterOptions.builder().name("pgfail")
          .workDir(root.resolve("k8s")).readyTimeout(Duration.ofSeconds(90))
          .node(new LocalClusterOptions.Node("pg-node-x", absent, "10.171.0.3")).build()))
          .isInstanceOf(PodgateException.class)
          .hasMessageContaining("local cluster 'pgfail'")
          .hasMessageContaining("kubelet-pg-node-x")
          .hasMessageContaining(absent.toString())
          .satisfies(e -> System.out.println("start failed as expected: " + e.getMessage()));
      assertThat(root.resolve("k8s")).doesNotExist();
    } finally {
      FileTrees.delete(root);
    }
    assertThat(ClusterTestHost.differences(before, ClusterTestHost.snapshot(), List.of())).isEmpty();
  }
}
