package io.podgate.kubernetes.internal.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.CriContainer;
import io.podgate.NodeInfo;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.PodgateNode;
import io.podgate.PodgateNodes;
import io.podgate.Wait;
import io.podgate.internal.host.PodgateLabels;
import io.podgate.testsupport.FixtureOnly;
import io.podgate.testsupport.Fixtures;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * {@code @PodSandbox(apart = ...)} on the real local cluster: its own node plus netns node a4 (tainted: only pods
 * pinned to it run there). A pod of the group pinned to a4 and an unpinned one land on two nodes; a third unpinned
 * one has no node left (the session node holds the group, a4 is taken and tainted), so the scheduler never places
 * it and the test fails quoting the scheduler's event and naming the group, with that pod deleted. Without the
 * anti-affinity the third would run on the session node beside the second.
 */
@Tag("containerd")
class LocalClusterApartTest {
  static final String NETNS_PREFIX = "pgka-";
  static final Map<String, String> SEEN = new ConcurrentHashMap<>();
  @RegisterExtension
  static final HeldBackend cluster = new HeldBackend();

  @Podgate
  @ExtendWith(FixtureOnly.class)
  @PodgateNodes(value = @PodgateNode(name = "a4", podSubnet = "10.71.34.0/24"), switchBridge = "pgkasw0",
      switchSubnet = "10.71.36.0/24", netnsPrefix = NETNS_PREFIX, linkPrefix = "pgka")
  static class ThreeApartOnTwoNodes {
    @PodSandbox(apart = "spread")
    @CriContainer(image = "podgate:busybox", command = {"sleep", "3600"})
    static Pod free;

    @PodSandbox(apart = "spread", node = "a4")
    @CriContainer(image = "podgate:busybox", command = {"sleep", "3600"})
    static Pod pinned;

    @Test
    void twoLandOnDistinctNodes() {
      SEEN.put("pinned", LocalClusterNodesTest.TwoNodes.nodeNameOf(pinned));
      SEEN.put("pinned.node", pinned.node().map(NodeInfo::name).orElse(""));
      SEEN.put("free", LocalClusterNodesTest.TwoNodes.nodeNameOf(free));
      SEEN.put("label", free.labels().getOrDefault(PodgateLabels.APART, ""));
    }

    @Test
    void aThirdHasNoNodeLeft(@PodSandbox(apart = "spread") @CriContainer(image = "podgate:busybox",
        command = {"sleep", "3600"}, waitFor = @Wait(timeoutSeconds = 10)) Pod third) {
      SEEN.put("third-ran", LocalClusterNodesTest.TwoNodes.nodeNameOf(third));
    }
  }

  @Test
  void podsKeptApartLandOnDistinctNodesAndOneWithoutANodeFailsNamingTheGroup() {
    SEEN.clear();
    EngineExecutionResults results = Fixtures.run(ThreeApartOnTwoNodes.class);
    assertThat(results.testEvents().succeeded().count()).as(Fixtures.failures(results)).isEqualTo(1);
    assertThat(SEEN).containsOnlyKeys("pinned", "pinned.node", "free", "label");
    assertThat(SEEN.get("pinned")).isEqualTo("a4");
    assertThat(SEEN.get("pinned.node")).isEqualTo("a4");
    assertThat(SEEN.get("free")).isEqualTo(LocalClusterBackendProvider.NODE_NAME);
    assertThat(SEEN.get("label")).isEqualTo("spread");

    String failure = Fixtures.failures(results);
    System.out.println("apart, no node left: " + failure.lines().findFirst().orElse(""));
    assertThat(failure).contains("pod 'third'", "was not scheduled within 10 s", "FailedScheduling", "anti-affinity",
        "the pod is declared apart = \"spread\"", "io.podgate.apart=spread", "pin them with node = to distinct @PodgateNodes");
    assertThat(cluster.backend().client().pods().inNamespace(cluster.backend().namespace())
        .withLabel(PodgateLabels.TEST_CLASS, ThreeApartOnTwoNodes.class.getSimpleName()).list().getItems())
        .as("pods of the class left").isEmpty();
    LocalClusterNodesTest.assertNothingOfTheNodesLeft(List.of("a4"), NETNS_PREFIX, List.of("pgkasw0", "pgkaa4"),
        List.of("10.71.34."));
    assertThat(cluster.backend().client().nodes().list().getItems()).extracting(n -> n.getMetadata().getName())
        .containsExactly(LocalClusterBackendProvider.NODE_NAME);
  }
}
