package io.podgate.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podgate.PodgateException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Who decides runtime reuse: the property, then PODGATE_RUNTIME_REUSE, then CI. */
class RuntimeReuseDecisionTest {
  @Test
  void onInADevelopersShellOffInCi() {
    assertThat(RuntimeReuse.decide(k -> null, Map.of()).enabled()).isTrue();
    assertThat(RuntimeReuse.decide(k -> null, Map.of("CI", "true")).enabled()).isFalse();
    assertThat(RuntimeReuse.decide(k -> null, Map.of("CI", "1")).enabled()).isFalse();
    assertThat(RuntimeReuse.decide(k -> null, Map.of("CI", "false")).enabled()).isTrue();
    assertThat(RuntimeReuse.decide(k -> null, Map.of("CI", "true")).why()).contains("CI=true", "podgate.runtime.reuse=true");
  }

  @Test
  void anExplicitChoiceWinsOverCi() {
    Map<String, String> ci = Map.of("CI", "true");
    assertThat(RuntimeReuse.decide(k -> k.equals(RuntimeReuse.PROPERTY) ? "true" : null, ci).enabled()).isTrue();
    assertThat(RuntimeReuse.decide(k -> null, Map.of("CI", "true", RuntimeReuse.ENV, "true")).enabled()).isTrue();
    assertThat(RuntimeReuse.decide(k -> null, Map.of(RuntimeReuse.ENV, "false")).enabled()).isFalse();
    assertThat(RuntimeReuse.decide(k -> k.equals(RuntimeReuse.PROPERTY) ? "false" : null,
        Map.of(RuntimeReuse.ENV, "true")).enabled()).as("the property beats the environment").isFalse();
  }

  @Test
  void idleTimeoutInSeconds() {
    assertThat(RuntimeReuse.decide(k -> null, Map.of()).idleTimeout()).isEqualTo(RuntimeReuse.DEFAULT_IDLE);
    assertThat(RuntimeReuse.decide(k -> k.equals(RuntimeReuse.IDLE_PROPERTY) ? "5" : null, Map.of()).idleTimeout())
        .isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void badValuesAreNamed() {
    assertThatThrownBy(() -> RuntimeReuse.decide(k -> k.equals(RuntimeReuse.PROPERTY) ? "yes" : null, Map.of()))
        .isInstanceOf(PodgateException.class).hasMessageContaining("podgate.runtime.reuse").hasMessageContaining("\"yes\"");
    assertThatThrownBy(() -> RuntimeReuse.decide(k -> k.equals(RuntimeReuse.IDLE_PROPERTY) ? "0" : null, Map.of()))
        .isInstanceOf(PodgateException.class).hasMessageContaining("podgate.runtime.idleTimeout");
  }
}
