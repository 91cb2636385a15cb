package io.podgate.internal.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.internal.pod.PodgateSession;
import io.podgate.internal.runtime.CriEndpoint;
import io.podgate.testsupport.FixtureOnly;
import io.podgate.testsupport.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** Without a runtime, tests fail saying what was tried, or are skipped when asked to. */
class NoRuntimeTest {
  static final String MISSING = "unix:///tmp/pg-junit/no-such-containerd.sock";

  @Podgate(disabledWithoutRuntime = true)
  @ExtendWith(FixtureOnly.class)
  static class Skips {
    @PodSandbox
    Pod pod;

    @Test
    void t() {}
  }

  @Podgate
  @ExtendWith(FixtureOnly.class)
  static class Fails {
    @PodSandbox
    Pod pod;

    @Test
    void t() {}
  }

  @BeforeEach
  void pointAtMissingEndpoint() {
    assertThat(PodgateSession.active()).as("another test class still holds a session").isFalse();
    System.setProperty(CriEndpoint.PROPERTY, MISSING);
  }

  @AfterEach
  void restore() {
    System.clearProperty(CriEndpoint.PROPERTY);
  }

  @Test
  void skippedWithTheReason() {
    EngineExecutionResults results = Fixtures.run(Skips.class);
    assertThat(results.containerEvents().skipped().count()).isEqualTo(1);
    assertThat(results.containerEvents().skipped().stream()
            .map(e -> e.getRequiredPayload(String.class)).findFirst().orElseThrow())
        .contains("no container runtime").contains(MISSING).contains("does not exist");
  }

  @Test
  void failsSayingWhatWasTried() {
    EngineExecutionResults results = Fixtures.run(Fails.class);
    assertThat(results.containerEvents().failed().count()).isEqualTo(1);
    assertThat(Fixtures.failures(results))
        .contains("podgate has no container runtime")
        .contains(MISSING)
        .contains("disabledWithoutRuntime = true");
  }
}
