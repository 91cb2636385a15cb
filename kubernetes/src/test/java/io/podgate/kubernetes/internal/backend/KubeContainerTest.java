package io.podgate.kubernetes.internal.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.podgate.ContainerState;
import io.podgate.LogEntry;
import io.podgate.internal.backend.ExecFailure;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class KubeContainerTest {
  @Test
  void timestampedApiLogsBecomeEntries() {
    var entries = KubeContainer.parse("2026-12-01T03:00:00.123456789Z hello world\n2026-12-01T03:00:01Z \n");
    assertThat(entries).containsExactly(
        new LogEntry(LogEntry.Stream.STDOUT, Instant.parse("2026-12-01T03:00:00.123456789Z"), "hello world"),
        new LogEntry(LogEntry.Stream.STDOUT, Instant.parse("2026-12-01T03:00:01Z"), ""));
    assertThat(KubeContainer.parse("")).isEmpty();
  }

  @Test
  void anOomKilledContainerReportsExitAndReason() {
    Pod p = new PodBuilder().withNewStatus().addNewContainerStatus().withName("c").withNewState().withNewTerminated()
        .withExitCode(137).withReason("OOMKilled").endTerminated().endState().endContainerStatus().endStatus().build();
    assertThat(KubeContainer.state(p, "c")).isEqualTo(new ContainerState(ContainerState.State.EXITED, 137, "OOMKilled"));
    assertThat(KubeContainer.state(p, "other").state()).isEqualTo(ContainerState.State.UNKNOWN);
    assertThat(KubeContainer.state(null, "c").reason()).isEqualTo("the pod is gone");
  }

  @Test
  void execFailuresAreSorted() {
    assertThat(KubeContainer.reasonOf("OCI runtime exec failed: exec: \"nope\": executable file not found in $PATH"))
        .isEqualTo(ExecFailure.Reason.NO_SUCH_EXECUTABLE);
    assertThat(KubeContainer.reasonOf("pods \"x\" not found")).isEqualTo(ExecFailure.Reason.NO_SUCH_CONTAINER);
    assertThat(KubeContainer.reasonOf("something else")).isEqualTo(ExecFailure.Reason.OTHER);
  }
}
