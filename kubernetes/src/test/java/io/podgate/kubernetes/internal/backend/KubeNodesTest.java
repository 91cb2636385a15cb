package io.podgate.kubernetes.internal.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.podgate.internal.backend.NodesSpec;
import io.podgate.internal.pod.PodSpecException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KubeNodesTest {
  private static final NodesSpec TWO = new NodesSpec("@PodgateNodes on T", "T", "", "", "", "",
      List.of(new NodesSpec.Node("a4", "10.14.0.0/16", "", ""), new NodesSpec.Node("a5", "10.15.0.0/16", "", "")));

  @Test
  void namesAreBoundToDistinctReadyNodes() {
    Map<String, Node> bound = KubeNodes.bind(TWO, List.of(node("n1", true, false), node("n2", false, false),
        node("n3", true, false)), k -> null);
    assertThat(bound).containsOnlyKeys("a4", "a5");
    assertThat(bound.values()).extracting(n -> n.getMetadata().getName()).containsExactly("n1", "n3");
  }

  @Test
  void aPropertyPinsANameAndTheOthersTakeWhatIsLeft() {
    Map<String, Node> bound = KubeNodes.bind(TWO, List.of(node("n1", true, false), node("n3", true, false)),
        Map.of("podgate.kubernetes.node.a4", "n3")::get);
    assertThat(bound.get("a4").getMetadata().getName()).isEqualTo("n3");
    assertThat(bound.get("a5").getMetadata().getName()).isEqualTo("n1");
  }

  @Test
  void anUnknownClusterNodeIsNamed() {
    assertThatThrownBy(() -> KubeNodes.bind(TWO, List.of(node("n1", true, false)),
        Map.of("podgate.kubernetes.node.a5", "nope")::get))
        .isInstanceOf(PodSpecException.class)
        .hasMessageContaining("node \"a5\" is mapped to cluster node \"nope\"")
        .hasMessageContaining("its nodes: [n1]");
  }

  @Test
  void tooFewUsableNodesFailBeforeAnythingIsMade() {
    assertThatThrownBy(() -> KubeNodes.bind(TWO, List.of(node("n1", true, false), node("n2", true, true)), k -> null))
        .isInstanceOf(PodSpecException.class)
        .hasMessageContaining("declares 2 nodes, but the cluster has 1 usable")
        .hasMessageContaining("n2 (not usable)");
  }

  static Node node(String name, boolean ready, boolean tainted) {
    NodeBuilder b = new NodeBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewStatus().addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
        .addNewAddress().withType("InternalIP").withAddress("192.0.2." + name.length()).endAddress().endStatus();
    if (tainted) {
      b.withNewSpec().addNewTaint().withKey("k").withEffect("NoSchedule").endTaint().endSpec();
    }
    return b.build();
  }
}
