package io.podgate.internal.pod;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What podgate adds to a failed RunPodSandbox it knows the cause of. */
class RunPodSandboxHintsTest {
  @Test
  void runcPipeFailureGetsTheFix() {
    String said = "UNKNOWN: failed to create containerd task: failed to create shim task: OCI runtime create failed:"
        + " runc create failed: unable to start container process: can't get final child's PID from pipe: EOF: unknown";
    assertThat(RunPodSandboxHints.hint(said))
        .contains("restrict_oom_score_adj = true")
        .contains("[plugins.\"io.containerd.grpc.v1.cri\"]")
        .contains("CAP_SYS_RESOURCE");
    assertThat(RunPodSandboxHints.hint("UNKNOWN: something else")).isEmpty();
    assertThat(RunPodSandboxHints.hint(null)).isEmpty();
  }
}
