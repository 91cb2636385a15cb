package io.podgate.internal.measure.churn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.podgate.measure.ChurnResult.OperationLatency;
import java.util.List;
import org.junit.jupiter.api.Test;

class LatencyHistogramsTest {
  @Test
  void percentilesInMillisAndOnlyRecordedOperations() {
    LatencyHistograms h = new LatencyHistograms(List.of("A", "B"));
    for (int ms = 1; ms <= 100; ms++) {
      h.record("A", ms * 1_000_000L);
    }
    var s = h.summaries();
    assertThat(s).containsOnlyKeys("A");
    OperationLatency a = s.get("A");
    assertThat(a.count()).isEqualTo(100);
    assertThat(a.p50Millis()).isCloseTo(50, within(0.1));
    assertThat(a.p90Millis()).isCloseTo(90, within(0.1));
    assertThat(a.p99Millis()).isCloseTo(99, within(0.1));
    assertThat(a.maxMillis()).isCloseTo(100, within(0.1));
  }

  @Test
  void unknownOperationIsNamed() {
    LatencyHistograms h = new LatencyHistograms(List.of("A"));
    assertThatThrownBy(() -> h.record("Z", 1)).hasMessageContaining("Z").hasMessageContaining("[A]");
  }
}
