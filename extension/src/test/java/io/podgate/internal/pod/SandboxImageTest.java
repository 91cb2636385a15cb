package io.podgate.internal.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podgate.PodgateException;
import org.junit.jupiter.api.Test;

/** The switch for importing the sandbox image, and the hint for runc's pipe failure. */
class SandboxImageTest {
  @Test
  void importIsOnUnlessTurnedOff() {
    assertThat(SandboxImage.importAllowed(null)).isTrue();
    assertThat(SandboxImage.importAllowed(" true ")).isTrue();
    assertThat(SandboxImage.importAllowed("FALSE")).isFalse();
    assertThatThrownBy(() -> SandboxImage.importAllowed("no"))
        .isInstanceOf(PodgateException.class)
        .hasMessageContaining(SandboxImage.IMPORT_PROPERTY + " = 'no'")
        .hasMessageContaining("must be true or false");
  }

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
