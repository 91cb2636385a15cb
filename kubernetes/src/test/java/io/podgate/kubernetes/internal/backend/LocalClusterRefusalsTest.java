package io.podgate.kubernetes.internal.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.podgate.PodgateException;
import io.podgate.internal.backend.NodesSpec;
import io.podgate.internal.pod.ConfigRef;
import io.podgate.internal.pod.ContainerSpec;
import io.podgate.internal.pod.ContainerSpec.WaitSpec;
import io.podgate.internal.pod.PodSpec;
import io.podgate.internal.pod.PodSpecException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bad input on a real local cluster: refused by name, with nothing left on the cluster. */
@Tag("containerd")
class LocalClusterRefusalsTest {
  @RegisterExtension
  static final HeldBackend cluster = new HeldBackend();

  @Test
  void aCrictlFieldWithoutPodEquivalentIsRefusedByNameAndNothingIsMade() {
    List<String> before = sessionPods();
    assertThatThrownBy(() -> cluster.backend().create(cluster.backend().plan(Specs.podFromJson("with-log-directory.json", List.of(),
        Specs.container("c", "podgate:busybox"))), Map.of()))
        .isInstanceOf(PodSpecException.class)
        .hasMessageContaining("with-log-directory.json: log_directory, linux.cgroup_parent are not supported on the"
            + " kubernetes backend");
    assertThat(sessionPods()).isEqualTo(before);
  }

  @Test
  void anUnknownNodeIsRefusedBeforeAnythingIsMadeAndAKnownOnePinsThePod() {
    NodesSpec one = new NodesSpec("@PodgateNodes on T", "T", "", "", "", "", List.of(new NodesSpec.Node("a4", "10.14.0.0/16", "", "")));
    assertThatThrownBy(() -> KubeNodes.bind(one, cluster.backend(), Map.of("podgate.kubernetes.node.a4", "no-such-node")::get))
        .isInstanceOf(PodSpecException.class)
        .hasMessageContaining("node \"a4\" is mapped to cluster node \"no-such-node\"")
        .hasMessageContaining("its nodes: [" + LocalClusterBackendProvider.NODE_NAME + "]");

    NodesSpec two = new NodesSpec("@PodgateNodes on T", "T", "", "", "", "", List.of(new NodesSpec.Node("a4", "10.14.0.0/16", "", ""),
        new NodesSpec.Node("a5", "10.15.0.0/16", "", "")));
    assertThatThrownBy(() -> KubeNodes.bind(two, cluster.backend(), k -> null)).isInstanceOf(PodSpecException.class)
        .hasMessageContaining("declares 2 nodes, but the cluster has 1 usable");

    var bound = KubeNodes.bind(one, cluster.backend(), k -> null);
    assertThat(bound.nodes()).singleElement().satisfies(n -> {
      assertThat(n.name()).isEqualTo("a4");
      assertThat(n.address()).isEqualTo(System.getProperty(LocalClusterBackendProvider.NODE_IP_PROPERTY,
          LocalClusterBackendProvider.DEFAULT_NODE_IP));
    });
    assertThatThrownBy(() -> bound.create("a5", "@PodSandbox x", cluster.backend().plan(Specs.pod("x",
        Specs.container("c", "podgate:busybox"))), Map.of())).isInstanceOf(PodSpecException.class)
        .hasMessageContaining("node = \"a5\" is not a node of @PodgateNodes on T; declared nodes: [a4]");
    try (var pinned = bound.create("a4", "@PodSandbox pinned", cluster.backend().plan(Specs.pod("pinned",
        Specs.container("c", "podgate:busybox"))), Map.of())) {
      assertThat(pinned.node()).hasValueSatisfying(n -> assertThat(n.name()).isEqualTo("a4"));
      Pod object = cluster.backend().client().pods().inNamespace(cluster.backend().namespace()).withLabel("io.podgate.pod", "pinned").list()
          .getItems().get(0);
      assertThat(object.getSpec().getNodeName()).isEqualTo(LocalClusterBackendProvider.NODE_NAME);
    }
  }

  @Test
  void aPodThatNeverSchedulesFailsQuotingItsEventsAndIsRemoved() {
    ContainerSpec huge = new ContainerSpec("@CriContainer huge", "huge", "huge", "podgate:busybox", List.of(), List.of(),
        Map.of(), "", List.of(), false, 1L << 50, ConfigRef.NONE,
        new WaitSpec(0, "", 0, 200, "", List.of(), Duration.ofSeconds(8)));
    PodSpec spec = Specs.pod("unschedulable", huge);
    List<String> before = sessionPods();
    assertThatThrownBy(() -> cluster.backend().create(cluster.backend().plan(spec), Map.of()))
        .isInstanceOf(PodgateException.class)
        .hasMessageContaining("@PodSandbox unschedulable: pod 'unschedulable'")
        .hasMessageContaining("was not scheduled within 8 s")
        .hasMessageContaining("FailedScheduling")
        .hasMessageContaining("Insufficient memory");
    assertThat(sessionPods()).isEqualTo(before);
  }

  private static List<String> sessionPods() {
    return cluster.backend().client().pods().inAnyNamespace().withLabel("io.podgate.session").list().getItems().stream()
        .map(Pod::getMetadata).map(m -> m.getNamespace() + "/" + m.getName()).sorted().toList();
  }
}
