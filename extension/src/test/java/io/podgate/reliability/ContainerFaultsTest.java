package io.podgate.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.Container;
import io.podgate.CriContainer;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.Wait;
import io.podgate.testsupport.Faults;
import io.podgate.testsupport.FixtureOnly;
import io.podgate.testsupport.HostState;
import io.podgate.testsupport.RequiresContainerd;
import io.podgate.testsupport.SessionProbe;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * Containers that fail: crash before ready, missing entrypoint, exec past its timeout, OOM kill.
 * All four fixtures run on one session; each failure names the container and the cause, and
 * nothing is left once the run ends.
 */
@RequiresContainerd
class ContainerFaultsTest {
  static final long MIB = 1024 * 1024;

  @ExtendWith({FixtureOnly.class, SessionProbe.class})
  @Podgate
  static class CrashesBeforeReady {
    @PodSandbox
    @CriContainer(name = "crasher", image = "podgate:busybox", command = {"sh", "-c", "echo about to crash; exit 3"},
        waitFor = @Wait(logRegex = "never printed", timeoutSeconds = 30))
    static Pod pod;

    @Test
    void neverRuns() {}
  }

  @ExtendWith({FixtureOnly.class, SessionProbe.class})
  @Podgate
  static class MissingEntrypoint {
    @PodSandbox
    @CriContainer(name = "ghost", image = "podgate:busybox", command = {"/no/such/entrypoint"})
    static Pod pod;

    @Test
    void neverRuns() {}
  }

  @ExtendWith({FixtureOnly.class, SessionProbe.class})
  @Podgate
  static class ExecOutlivesTimeout {
    @PodSandbox
    @CriContainer(name = "box", image = "podgate:busybox", command = {"sleep", "3600"})
    static Pod pod;

    @Test
    void slowExec() {
      pod.container("box").exec(Duration.ofSeconds(1), "sleep", "30");
    }
  }

  @ExtendWith({FixtureOnly.class, SessionProbe.class})
  @Podgate
  static class OomKilled {
    @PodSandbox
    @CriContainer(name = "hog", image = "podgate:busybox", memoryLimit = 16 * MIB,
        command = {"sh", "-c", "x=$(head -c 64m /dev/zero | tr '\\0' a); echo survived; sleep 3600"},
        waitFor = @Wait(logRegex = "never printed", timeoutSeconds = 60))
    static Pod pod;

    @Test
    void neverRuns() {}
  }

  static EngineExecutionResults results;

  @BeforeAll
  static void runFixtures() {
    results = Faults.run(CrashesBeforeReady.class, MissingEntrypoint.class, ExecOutlivesTimeout.class, OomKilled.class);
  }

  @Test
  void crashBeforeReadyNamesExitCodeAndLog() {
    assertThat(Faults.failuresOf(results, CrashesBeforeReady.class))
        .contains("container 'crasher' of pod 'pod' exited before it was ready")
        .contains("exit code 3")
        .contains("about to crash")
        .contains("CrashesBeforeReady.pod");
  }

  @Test
  void missingEntrypointNamesTheBinary() {
    assertThat(Faults.failuresOf(results, MissingEntrypoint.class))
        .contains("/no/such/entrypoint")
        .contains("MissingEntrypoint.pod")
        .containsIgnoringCase("no such file");
  }

  @Test
  void execPastItsTimeoutSaysSo() {
    assertThat(Faults.failuresOf(results, ExecOutlivesTimeout.class))
        .contains("ExecSync")
        .contains("outlived its timeout");
  }

  @Test
  void oomKillIsVisible() {
    assertThat(Faults.failuresOf(results, OomKilled.class))
        .contains("container 'hog'")
        .contains("OOMKilled")
        .doesNotContain("survived");
  }

  @Test
  void nothingLeft() {
    assertThat(SessionProbe.SEEN).isNotEmpty();
    HostState.assertClean();
  }
}
