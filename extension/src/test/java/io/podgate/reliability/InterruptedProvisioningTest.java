package io.podgate.reliability;

import io.podgate.internal.host.PodgateLabels;
import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.Podgate;
import io.podgate.internal.cri.v1.PodSandboxFilter;
import io.podgate.internal.pod.ConfigRef;
import io.podgate.internal.pod.ContainerSpec;
import io.podgate.internal.pod.PodSpec;
import io.podgate.internal.pod.PodgateSession;
import io.podgate.testsupport.Faults;
import io.podgate.testsupport.FixtureOnly;
import io.podgate.testsupport.HostState;
import io.podgate.testsupport.RequiresContainerd;
import io.podgate.testsupport.SessionProbe;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** A JUnit @Timeout interrupts a test while its pod waits for readiness: the pod is still removed. */
@RequiresContainerd
class InterruptedProvisioningTest {
  static final AtomicInteger PODS_AFTER = new AtomicInteger(-1);

  @ExtendWith({FixtureOnly.class, SessionProbe.class})
  @Podgate
  static class WaitsForever {
    @Test
    @Timeout(5)
    void provisionsAPodThatNeverGetsReady() {
      try (PodgateSession.Lease lease = PodgateSession.acquire()) {
        ContainerSpec box = new ContainerSpec("never-ready container", "box", "box", "podgate:busybox",
            List.of("sleep", "3600"), List.of(), Map.of(), "", List.of(), false, 0, ConfigRef.NONE,
            new ContainerSpec.WaitSpec(9, "", 0, 200, "", List.of(), Duration.ofSeconds(25)));
        PodSpec spec = new PodSpec("never-ready pod", "stuck", "stuck", "", Map.of(), Map.of(), "", "", List.of(),
            List.of(), List.of(), List.of(), ConfigRef.NONE, List.of(box));
        lease.session().provisioner().provision(spec);
      }
    }

    @AfterEach
    void countPods() {
      try (PodgateSession.Lease lease = PodgateSession.acquire()) {
        PODS_AFTER.set(lease.session().cri().listPodSandbox(PodSandboxFilter.newBuilder()
            .putLabelSelector(PodgateLabels.SESSION, lease.session().id()).build()).size());
      }
    }
  }

  @Test
  void interruptedProvisioningStillCleansUp() {
    EngineExecutionResults r = Faults.run(WaitsForever.class);
    assertThat(Faults.failures(r)).contains("timed out after 5 seconds");
    assertThat(PODS_AFTER.get()).as("pods of the session right after the interrupted test").isZero();
    HostState.assertClean();
  }
}
