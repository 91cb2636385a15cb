package io.podgate.internal.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.Container;
import io.podgate.CriContainer;
import io.podgate.LogEntry;
import io.podgate.LogEntry.Stream;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.Wait;
import io.podgate.testsupport.FixtureOnly;
import io.podgate.testsupport.Fixtures;
import io.podgate.testsupport.RequiresContainerd;
import io.podgate.testsupport.SessionTestBase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** Container logs as containerd writes them: bytes that are not UTF-8, long lines split in pieces, two streams. */
@RequiresContainerd
class ContainerLogsTest extends SessionTestBase {
  @Podgate
  @ExtendWith(FixtureOnly.class)
  static class NotUtf8 {
    @PodSandbox
    @CriContainer(name = "latin1", image = "podgate:busybox",
        command = {"sh", "-c", "echo before; printf 'caf\\351\\n'; echo after; sleep 3600"},
        waitFor = @Wait(logRegex = "after", timeoutSeconds = 30))
    Pod pod;

    @Test
    void malformedBytesBecomeReplacementCharacters() throws Exception {
      Container c = pod.container("latin1");
      assertThat(Files.readAllBytes(logFile(pod, "latin1"))).as("containerd keeps the byte as written")
          .contains((byte) 0xE9);
      assertThat(c.logEntries()).allSatisfy(e -> assertThat(e.stream()).isEqualTo(Stream.STDOUT))
          .extracting(LogEntry::text).containsExactly("before", "caf\uFFFD", "after");
      assertThat(c.logs()).isEqualTo("before\ncaf\uFFFD\nafter");
    }
  }

  @Podgate
  @ExtendWith(FixtureOnly.class)
  static class LongLineAndStderr {
    @PodSandbox
    @CriContainer(name = "writer", image = "podgate:busybox",
        command = {"sh", "-c",
            "head -c 30000 /dev/zero | tr '\\0' a; sleep 1; echo err-line >&2; sleep 1; echo b; sleep 3600"},
        waitFor = @Wait(logRegex = "ab$", timeoutSeconds = 30))
    Pod pod;

    @Test
    void eachStreamKeepsItsOwnEntries() throws Exception {
      List<String> raw = Files.readAllLines(logFile(pod, "writer"), StandardCharsets.ISO_8859_1);
      assertThat(raw).as("containerd split the long stdout line around the stderr one")
          .anyMatch(l -> l.contains(" stdout P a"))
          .anyMatch(l -> l.endsWith(" stderr F err-line"));

      Container c = pod.container("writer");
      List<LogEntry> entries = c.logEntries();
      assertThat(entries).extracting(LogEntry::stream).containsExactly(Stream.STDOUT, Stream.STDERR);
      assertThat(entries.get(0).text()).hasSize(30_001).isEqualTo("a".repeat(30_000) + "b");
      assertThat(entries.get(1).text()).isEqualTo("err-line");
      assertThat(c.logs()).isEqualTo("a".repeat(30_000) + "b\nerr-line");
    }
  }

  @Test
  void logsWithBytesThatAreNotUtf8AreReadAndWaitedFor() {
    EngineExecutionResults results = Fixtures.run(NotUtf8.class);
    assertThat(results.testEvents().failed().count()).as(Fixtures.failures(results)).isZero();
    assertThat(results.testEvents().succeeded().count()).isEqualTo(1);
    Fixtures.assertNoPodsLeft(session());
  }

  @Test
  void stdoutAndStderrNeverJoinAndLongLinesAreWhole() {
    EngineExecutionResults results = Fixtures.run(LongLineAndStderr.class);
    assertThat(results.testEvents().failed().count()).as(Fixtures.failures(results)).isZero();
    assertThat(results.testEvents().succeeded().count()).isEqualTo(1);
    Fixtures.assertNoPodsLeft(session());
  }

  private static Path logFile(Pod pod, String container) {
    return pod.logDirectory().resolve(container + ".log");
  }
}
