package io.podgate.internal.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.CriContainer;
import io.podgate.NodeInfo;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.PodgateNode;
import io.podgate.PodgateNodes;
import io.podgate.internal.host.HostCommand;
import io.podgate.internal.host.PodgateLabels;
import io.podgate.testsupport.FixtureOnly;
import io.podgate.testsupport.Fixtures;
import io.podgate.testsupport.RequiresContainerd;
import io.podgate.testsupport.SessionTestBase;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * {@code @PodSandbox(apart = ...)} on the embedded containerd: pods of a group pinned to distinct nodes run there;
 * pods of a group that would share the one default runtime fail the class before any pod or node is created.
 */
@RequiresContainerd
class ApartTest extends SessionTestBase {
  static final String NETNS_PREFIX = "pgap-";
  static final Map<String, String> SEEN = new ConcurrentHashMap<>();

  @Podgate
  @ExtendWith(FixtureOnly.class)
  @PodgateNodes(value = {@PodgateNode(name = "a4", podSubnet = "10.71.24.0/24"),
      @PodgateNode(name = "a5", podSubnet = "10.71.25.0/24")},
      switchBridge = "pgapsw0", switchSubnet = "10.71.26.0/24", netnsPrefix = NETNS_PREFIX, linkPrefix = "pgap")
  static class PinnedApart {
    @PodSandbox(apart = "spread", node = "a4")
    @CriContainer(image = "podgate:busybox", command = {"sleep", "3600"})
    static Pod first;

    @Test
    void runOnTheirNodes(@PodSandbox(apart = "spread", node = "a5")
        @CriContainer(image = "podgate:busybox", command = {"sleep", "3600"}) Pod second) {
      SEEN.put("first", first.node().map(NodeInfo::name).orElse("default runtime"));
      SEEN.put("second", second.node().map(NodeInfo::name).orElse("default runtime"));
      SEEN.put("label", first.labels().getOrDefault(PodgateLabels.APART, ""));
    }
  }

  @Podgate
  @ExtendWith(FixtureOnly.class)
  static class SharedRuntime {
    @PodSandbox(apart = "spread")
    @CriContainer(image = "podgate:busybox", command = {"sleep", "3600"})
    static Pod first;

    @PodSandbox(apart = "spread")
    @CriContainer(image = "podgate:busybox", command = {"sleep", "3600"})
    Pod second;

    @Test
    void neverRuns() {
      SEEN.put("shared-ran", "");
    }
  }

  @Test
  void podsOfAGroupPinnedToDistinctNodesRunThere() {
    SEEN.clear();
    EngineExecutionResults results = Fixtures.run(PinnedApart.class);
    assertThat(results.allEvents().failed().count()).as(Fixtures.failures(results)).isZero();
    assertThat(SEEN).containsEntry("first", "a4").containsEntry("second", "a5").containsEntry("label", "spread");
    assertThat(HostCommand.run(List.of("ip", "netns", "list")).orThrow("listing netns").output().lines())
        .noneMatch(l -> l.startsWith(NETNS_PREFIX));
    Fixtures.assertNoPodsLeft(session());
  }

  @Test
  void podsOfAGroupOnTheOneDefaultRuntimeFailTheClassBeforeAnythingIsCreated() {
    SEEN.clear();
    EngineExecutionResults results = Fixtures.run(SharedRuntime.class);
    assertThat(Fixtures.failures(results)).contains("@PodSandbox on field SharedRuntime.first",
        "@PodSandbox on field SharedRuntime.second", "apart = \"spread\"", "neither has node =",
        "Pin them to distinct nodes of @PodgateNodes with node = \"...\" (one may stay on the default runtime)",
        "podgate.backend = local-cluster or kubernetes");
    assertThat(SEEN).isEmpty();
    assertThat(NodesTest.reports(results)).as("no pod was created").noneMatch(r -> r.containsKey("podgate.pod"));
    Fixtures.assertNoPodsLeft(session());
  }
}
