package io.podgate.internal.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podgate.PodgateException;
import org.junit.jupiter.api.Test;

/** The switch for importing the sandbox image. */
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
}
