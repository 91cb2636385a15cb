package io.podgate.internal.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podgate.CriContainer;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.internal.host.FileTrees;
import io.podgate.testsupport.FixtureOnly;
import io.podgate.testsupport.Fixtures;
import io.podgate.testsupport.RequiresContainerd;
import io.podgate.testsupport.SessionTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;

/** A failing test keeps its pods' logs: saved to files, named in report entries, tails on the failure. */
@RequiresContainerd
class FailureLogsTest extends SessionTestBase {
  @Podgate
  @ExtendWith(FixtureOnly.class)
  static class ChattyPod {
    @PodSandbox
    @CriContainer(name = "talker", image = "podgate:busybox",
        command = {"sh", "-c", "echo hello-from-the-pod; echo to-stderr >&2; sleep 3600"})
    Pod chatty;

    @Test
    void failsOnceTheLogHasItsLines() {
      await().atMost(Duration.ofSeconds(10)).until(() -> chatty.container("talker").logs().contains("to-stderr"));
      throw new AssertionError("the test's own failure");
    }

    @Test
    void passes() {
      assertThat(chatty.ip()).isNotBlank();
    }
  }

  @Podgate
  @ExtendWith(FixtureOnly.class)
  static class BrokenSetUp {
    @PodSandbox
    @CriContainer(name = "c", image = "podgate:busybox", command = {"sh", "-c", "echo set-up-saw-this; sleep 3600"})
    Pod pod;

    @BeforeEach
    void setUp() {
      await().atMost(Duration.ofSeconds(10)).until(() -> pod.container("c").logs().contains("set-up-saw-this"));
      throw new IllegalStateException("set-up failed");
    }

    @Test
    void neverRuns() {}
  }

  @Test
  void failingTestCarriesItsPodsLogTailAndSavesTheWholeLog() throws Exception {
    EngineExecutionResults results = Fixtures.run(ChattyPod.class);
    assertThat(results.testEvents().succeeded().count()).isEqualTo(1);
    Throwable failure = onlyFailure(results);
    assertThat(failure).hasMessage("the test's own failure");
    assertThat(Arrays.stream(failure.getSuppressed()).map(Throwable::getMessage).toList()).singleElement()
        .asString().contains("--- pod chatty, container talker ---", " stdout hello-from-the-pod", " stderr to-stderr");

    List<Map.Entry<String, String>> logEntries = logEntries(results);
    assertThat(logEntries).as("only the failed test publishes its logs").hasSize(1);
    assertThat(logEntries.get(0).getKey()).isEqualTo("podgate.log.chatty.talker");
    Path saved = Path.of(logEntries.get(0).getValue());
    try {
      assertThat(Files.readAllLines(saved)).as("one entry a line: time, stream, text").hasSize(2)
          .anyMatch(l -> l.matches("\\S+Z stdout hello-from-the-pod"))
          .anyMatch(l -> l.matches("\\S+Z stderr to-stderr"));
    } finally {
      FileTrees.delete(saved.getParent());
    }
    Fixtures.assertNoPodsLeft(session());
  }

  @Test
  void failingSetUpCarriesTheLogTooAndTheTestIsNotRun() {
    EngineExecutionResults results = Fixtures.run(BrokenSetUp.class);
    Throwable failure = onlyFailure(results);
    assertThat(failure).hasMessage("set-up failed");
    assertThat(failure.getSuppressed()).singleElement().extracting(Throwable::getMessage).asString()
        .contains("--- pod pod, container c ---", "set-up-saw-this");
    logEntries(results).forEach(e -> FileTrees.delete(Path.of(e.getValue()).getParent()));
    Fixtures.assertNoPodsLeft(session());
  }

  private static Throwable onlyFailure(EngineExecutionResults results) {
    List<Event> failed = results.testEvents().failed().list();
    assertThat(failed).hasSize(1);
    return failed.get(0).getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable)
        .orElseThrow();
  }

  private static List<Map.Entry<String, String>> logEntries(EngineExecutionResults results) {
    return results.allEvents().reportingEntryPublished().stream()
        .flatMap(e -> e.getPayload(ReportEntry.class).stream())
        .flatMap(r -> r.getKeyValuePairs().entrySet().stream())
        .filter(kv -> kv.getKey().startsWith("podgate.log."))
        .toList();
  }
}
