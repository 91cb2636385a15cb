package io.podgate.internal.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.podgate.CriContainer;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.testsupport.FixtureOnly;
import io.podgate.testsupport.Fixtures;
import io.podgate.testsupport.RequiresContainerd;
import io.podgate.testsupport.SessionTestBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** A SUITE pod is made once for all classes of a run and removed when the run ends. */
@RequiresContainerd
class SuiteScopeTest extends SessionTestBase {
  static final List<String> IDS = new CopyOnWriteArrayList<>();

  @Podgate
  @ExtendWith(FixtureOnly.class)
  static class First {
    @PodSandbox(name = "shared", scope = PodSandbox.Scope.SUITE)
    @CriContainer(name = "c", image = "podgate:busybox", command = {"sleep", "3600"})
    static Pod shared;

    @Test
    void t() {
      IDS.add(shared.id());
    }
  }

  @Podgate
  @ExtendWith(FixtureOnly.class)
  static class Second {
    @PodSandbox(name = "shared", scope = PodSandbox.Scope.SUITE)
    @CriContainer(name = "c", image = "podgate:busybox", command = {"sleep", "3600"})
    Pod sameOne;

    @Test
    void t() {
      assertThat(sameOne.container("c").exec("true").exitCode()).isZero();
      IDS.add(sameOne.id());
    }

    @Test
    void u() {
      IDS.add(sameOne.id());
    }
  }

  @Test
  void onePodForTheWholeRun() {
    IDS.clear();
    EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
        .configurationParameter(Fixtures.FLAG, "true")
        .selectors(selectClass(First.class), selectClass(Second.class))
        .execute();
    assertThat(results.testEvents().failed().count()).as(Fixtures.failures(results)).isZero();
    assertThat(IDS).hasSize(3);
    assertThat(IDS).containsOnly(IDS.get(0));
    Fixtures.assertNoPodsLeft(session());
  }
}
