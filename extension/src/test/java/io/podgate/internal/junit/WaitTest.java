package io.podgate.internal.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.CriContainer;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.Wait;
import io.podgate.testsupport.FixtureOnly;
import io.podgate.testsupport.Fixtures;
import io.podgate.testsupport.RequiresContainerd;
import io.podgate.testsupport.SessionTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** Readiness waits pass when met and fail with state, exit code and log tail when not. */
@RequiresContainerd
class WaitTest extends SessionTestBase {
  @Podgate
  @ExtendWith(FixtureOnly.class)
  static class Ready {
    @PodSandbox
    @CriContainer(name = "logger", image = "podgate:busybox",
        command = {"sh", "-c", "sleep 1; echo service started on 7000; exec httpd -f -p 7000 -h /tmp"},
        waitFor = @Wait(logRegex = "started on \\d+", tcpPort = 7000, exec = {"test", "-d", "/tmp"}, timeoutSeconds = 30))
    Pod pod;

    @Test
    void ready() {
      assertThat(pod.container("logger").logs()).contains("service started on 7000");
      assertThat(Fixtures.tcpOpen(pod.ip(), 7000)).isTrue();
    }
  }

  @Podgate
  @ExtendWith(FixtureOnly.class)
  static class NeverListens {
    @PodSandbox
    @CriContainer(name = "quiet", image = "podgate:busybox",
        command = {"sh", "-c", "echo warming up forever; exec sleep 3600"},
        waitFor = @Wait(tcpPort = 9090, timeoutSeconds = 3))
    Pod pod;

    @Test
    void never() {}
  }

  @Podgate
  @ExtendWith(FixtureOnly.class)
  static class Dies {
    @PodSandbox
    @CriContainer(name = "crash", image = "podgate:busybox",
        command = {"sh", "-c", "echo cannot open config; exit 3"},
        waitFor = @Wait(tcpPort = 9090, timeoutSeconds = 30))
    Pod pod;

    @Test
    void never() {}
  }

  @Test
  void conditionsMet() {
    EngineExecutionResults results = Fixtures.run(Ready.class);
    assertThat(results.testEvents().failed().count()).as(Fixtures.failures(results)).isZero();
    assertThat(results.testEvents().succeeded().count()).isEqualTo(1);
    Fixtures.assertNoPodsLeft(session());
  }

  @Test
  void timeoutNamesWhatWasAwaitedTheStateAndTheLogTail() {
    EngineExecutionResults results = Fixtures.run(NeverListens.class);
    assertThat(results.testEvents().failed().count()).isEqualTo(1);
    assertThat(Fixtures.failures(results))
        .contains("@CriContainer(name = \"quiet\") of @PodSandbox on field NeverListens.pod")
        .contains("not ready after 3 s")
        .contains("TCP port 9090")
        .contains("last state RUNNING")
        .contains(" stdout warming up forever");
    Fixtures.assertNoPodsLeft(session());
  }

  @Test
  void containerThatDiesFailsWithItsExitCodeAndLog() {
    EngineExecutionResults results = Fixtures.run(Dies.class);
    assertThat(results.testEvents().failed().count()).isEqualTo(1);
    assertThat(Fixtures.failures(results))
        .contains("container 'crash'")
        .contains("exited before it was ready")
        .contains("exit code 3")
        .contains(" stdout cannot open config");
    Fixtures.assertNoPodsLeft(session());
  }
}
