package io.podgate.internal.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.CriContainer;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.internal.pod.PodgateSession;
import io.podgate.testsupport.FixtureOnly;
import io.podgate.testsupport.Fixtures;
import io.podgate.testsupport.RequiresContainerd;
import io.podgate.testsupport.SessionTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * A teardown failure is reported, and the other pods are still removed. Per-method pods are removed in
 * the background while the next test runs, so the failure fails the class and names the test.
 */
@RequiresContainerd
class TeardownTest extends SessionTestBase {
  @Podgate
  @ExtendWith(FixtureOnly.class)
  static class PodRemovedBehindOurBack {
    @PodSandbox
    @CriContainer(name = "c", image = "podgate:busybox", command = {"sleep", "3600"})
    Pod first;

    @PodSandbox
    @CriContainer(name = "c", image = "podgate:busybox", command = {"sleep", "3600"})
    Pod second;

    @PodSandbox
    @CriContainer(name = "c", image = "podgate:busybox", command = {"sleep", "3600"})
    Pod third;

    @Test
    void removesSecondItself() {
      try (PodgateSession.Lease lease = PodgateSession.acquire()) {
        lease.session().cri().stopPodSandbox(second.id());
        lease.session().cri().removePodSandbox(second.id());
      }
    }
  }

  @Test
  void failureIsReportedAndTheRestIsRemoved() {
    EngineExecutionResults results = Fixtures.run(PodRemovedBehindOurBack.class);
    assertThat(results.testEvents().failed().count()).as("the test itself passed").isZero();
    assertThat(results.containerEvents().failed().count()).as("its class failed").isEqualTo(1);
    assertThat(Fixtures.failures(results)).contains("removing the pods of test").contains("removesSecondItself")
        .contains("tearing down pods failed")
        .contains("pod 'second'").contains("@PodSandbox on field PodRemovedBehindOurBack.second")
        .contains("no longer exists; something else removed it")
        .doesNotContain("Failed to close extension context");
    Fixtures.assertNoPodsLeft(session());
  }
}
