package io.podgate.internal.measure.iperf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podgate.measure.ThroughputOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class Iperf3CommandTest {
  @Test
  void durationRunsUseDashTAndByteRunsDashN() {
    assertThat(Iperf3.clientCommand("10.0.0.2", 5201, ThroughputOptions.builder().durationSeconds(3).build()))
        .containsSubsequence("-t", "3").doesNotContain("-n");
    ThroughputOptions bytes = ThroughputOptions.builder().durationSeconds(3).bytes(256L << 20).mss(1448).build();
    assertThat(Iperf3.clientCommand("10.0.0.2", 5201, bytes))
        .containsSubsequence("-n", Long.toString(256L << 20)).containsSubsequence("-M", "1448").doesNotContain("-t");
    assertThat(bytes.expectedLength()).isEqualTo(Duration.ofSeconds(60));
    assertThat(bytes.toBuilder().durationSeconds(2).build().bytes()).as("a duration set later wins").isEmpty();
  }

  @Test
  void tinyByteCountsAreRefused() {
    assertThatThrownBy(() -> ThroughputOptions.builder().bytes(1000)).hasMessageContaining("at least 1 MiB");
  }
}
