package io.podgate.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.CriContainer;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.internal.pod.PodgateSession;
import io.podgate.testsupport.Faults;
import io.podgate.testsupport.FixtureOnly;
import io.podgate.testsupport.HostState;
import io.podgate.testsupport.RequiresContainerd;
import io.podgate.testsupport.SessionProbe;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * SIGKILL of the embedded containerd mid-test: that test fails saying the runtime does not answer
 * (no hang), the next class gets a new daemon, and nothing of either is left.
 */
@RequiresContainerd
class DaemonKilledTest {
  @ExtendWith({FixtureOnly.class, SessionProbe.class})
  @Podgate
  @Order(1)
  static class KillsItsDaemon {
    @PodSandbox
    @CriContainer(name = "c", image = "podgate:busybox", command = {"sleep", "3600"})
    static Pod pod;

    @Test
    void daemonDiesUnderneath() throws Exception {
      long pid;
      try (PodgateSession.Lease lease = PodgateSession.acquire()) {
        pid = lease.session().embedded().orElseThrow().pid();
      }
      ProcessHandle daemon = ProcessHandle.of(pid).orElseThrow();
      daemon.destroyForcibly();
      daemon.onExit().get(10, TimeUnit.SECONDS);
      pod.container("c").exec("true");
    }
  }

  @ExtendWith({FixtureOnly.class, SessionProbe.class})
  @Podgate
  @Order(2)
  static class RunsAfterwards {
    @PodSandbox
    @CriContainer(name = "c", image = "podgate:busybox", command = {"sleep", "3600"})
    static Pod pod;

    @Test
    void worksOnAFreshDaemon() {
      assertThat(pod.container("c").exec("echo", "alive").stdout()).contains("alive");
    }
  }

  @Test
  void killedDaemonFailsThatTestClearlyAndTheNextClassGetsANewOne() {
    EngineExecutionResults r = Faults.run(Map.of("junit.jupiter.testclass.order.default",
        ClassOrderer.OrderAnnotation.class.getName()), KillsItsDaemon.class, RunsAfterwards.class);
    String killed = Faults.failuresOf(r, KillsItsDaemon.class);
    assertThat(killed).contains("CRI ExecSync failed").contains("UNAVAILABLE")
        .contains("check that containerd is running");
    assertThat(Faults.failuresOf(r, RunsAfterwards.class)).isEmpty();
    assertThat(r.testEvents().succeeded().count()).isEqualTo(1);
    assertThat(SessionProbe.SEEN).hasSize(2);
    assertThat(SessionProbe.SEEN.get(1).daemonPid()).isNotEqualTo(SessionProbe.SEEN.get(0).daemonPid());
    HostState.assertClean();
  }
}
