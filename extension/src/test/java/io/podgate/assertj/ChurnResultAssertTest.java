package io.podgate.assertj;

import io.podgate.measure.ChurnOptions;
import io.podgate.measure.ChurnResult;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.measure.ChurnResult.OperationLatency;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChurnResultAssertTest {

  private static ChurnResult result(long cycles, long failures, List<String> messages, double startP99) {
    Map<String, OperationLatency> l = new LinkedHashMap<>();
    l.put(ChurnResult.CREATE_CONTAINER, new OperationLatency(ChurnResult.CREATE_CONTAINER, cycles, 30, 40, 50, 60));
    l.put(ChurnResult.START_CONTAINER,
        new OperationLatency(ChurnResult.START_CONTAINER, cycles, 80, 90, startP99, startP99 + 5));
    return new ChurnResult(ChurnOptions.Mode.SHARED_POD, 2, "img", cycles, failures, messages,
        Duration.ofSeconds(10), l, List.of(cycles / 2, cycles - cycles / 2), null);
  }

  @Test
  void rateComparesCompletedCyclesPerSecond() {
    ChurnResult r = result(75, 0, List.of(), 100);
    assertThat(r.cyclesPerSecond()).isEqualTo(7.5);
    PodgateAssertions.assertThat(r).hasRateAtLeast(7.5).hasNoFailures();
    assertThatThrownBy(() -> PodgateAssertions.assertThat(r).hasRateAtLeast(7.6))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("at least 7.60 cycles/s but got 7.50 cycles/s")
        .hasMessageContaining("75 cycles in 10.0 s");
  }

  @Test
  void failuresQuoteTheFirstMessages() {
    ChurnResult r = result(3, 2, List.of("cycle w0-0: CRI CreateContainer failed: NOT_FOUND"), 100);
    assertThatThrownBy(() -> PodgateAssertions.assertThat(r).hasNoFailures())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("2 of 5 failed")
        .hasMessageContaining("CRI CreateContainer failed: NOT_FOUND");
  }

  @Test
  void stoppedEarlyCountsAsFailure() {
    ChurnResult r = new ChurnResult(ChurnOptions.Mode.SHARED_POD, 1, "img", 4, 0, List.of(), Duration.ofSeconds(1),
        Map.of(), List.of(4L), "interrupted");
    assertThatThrownBy(() -> PodgateAssertions.assertThat(r).hasNoFailures())
        .hasMessageContaining("stopped early: interrupted");
  }

  @Test
  void p99IsComparedInMillisAndUnknownOperationsAreNamed() {
    ChurnResult r = result(10, 0, List.of(), 120.5);
    PodgateAssertions.assertThat(r).hasOperationP99AtMost(ChurnResult.START_CONTAINER, Duration.ofMillis(121));
    assertThatThrownBy(() -> PodgateAssertions.assertThat(r)
            .hasOperationP99AtMost(ChurnResult.START_CONTAINER, Duration.ofMillis(120)))
        .hasMessageContaining("StartContainer p99 latency of at most 120.00 ms but it was 120.50 ms");
    assertThatThrownBy(() -> PodgateAssertions.assertThat(r)
            .hasOperationP99AtMost(ChurnResult.RUN_POD_SANDBOX, Duration.ofSeconds(1)))
        .hasMessageContaining("'RunPodSandbox'")
        .hasMessageContaining("[CreateContainer, StartContainer]");
  }

  @Test
  void latencyLookupNamesKnownOperations() {
    ChurnResult r = result(10, 0, List.of(), 100);
    assertThatThrownBy(() -> r.latency("Start"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[CreateContainer, StartContainer]");
  }
}
