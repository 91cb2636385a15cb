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

  private static ChurnResult podResult(double readyP99) {
    Map<String, ChurnResult.PodLatency> pods = new LinkedHashMap<>();
    pods.put(ChurnResult.POD_SCHEDULED, new ChurnResult.PodLatency(ChurnResult.POD_SCHEDULED, 8, 20, 30, 40, 41, 22));
    pods.put(ChurnResult.READY, new ChurnResult.PodLatency(ChurnResult.READY, 8, 900, 1500, readyP99, readyP99, 950));
    return new ChurnResult(ChurnOptions.Path.POD_API, ChurnOptions.Mode.SHARED_POD, 2, "img", 8, 0, List.of(),
        Duration.ofSeconds(4), Map.of(), List.of(4L, 4L), null, pods);
  }

  @Test
  void podLatencyQuantilesAreComparedInMillis() {
    ChurnResult r = podResult(1999.5);
    PodgateAssertions.assertThat(r).hasPodLatencyP99AtMostMillis(ChurnResult.READY, 2000)
        .hasPodLatencyP95AtMostMillis(ChurnResult.READY, 1500).hasPodLatencyP50AtMostMillis(ChurnResult.READY, 900)
        .hasPodLatenciesFor(ChurnResult.POD_SCHEDULED, ChurnResult.READY);
    assertThatThrownBy(() -> PodgateAssertions.assertThat(r).hasPodLatencyP99AtMostMillis("Ready", 1999))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Ready P99 pod latency of at most 1999.00 ms but it was 1999.50 ms")
        .hasMessageContaining("pod latency Ready n=8");
    assertThatThrownBy(() -> PodgateAssertions.assertThat(r).hasPodLatencyP95AtMostMillis("Ready", 1499))
        .hasMessageContaining("Ready P95 pod latency of at most 1499.00 ms but it was 1500.00 ms");
  }

  @Test
  void aMissingPodConditionIsNamedWithWhatWasMeasured() {
    ChurnResult r = podResult(100);
    assertThatThrownBy(() -> PodgateAssertions.assertThat(r).hasPodLatencyP99AtMostMillis("ContainersReady", 10))
        .hasMessageContaining("P99 pod latency for 'ContainersReady'").hasMessageContaining("[PodScheduled, Ready]");
    assertThatThrownBy(() -> PodgateAssertions.assertThat(r).hasPodLatenciesFor("Initialized"))
        .hasMessageContaining("pod latency for 'Initialized'");
    assertThatThrownBy(() -> r.podLatency("Initialized")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("measured [PodScheduled, Ready]");
    ChurnResult cri = result(10, 0, List.of(), 100);
    assertThat(cri.podLatencies()).isEmpty();
    assertThatThrownBy(() -> PodgateAssertions.assertThat(cri).hasPodLatencyP99AtMostMillis("Ready", 10))
        .hasMessageContaining("path CRI").hasMessageContaining("path(POD_API)");
    assertThat(r.summary()).startsWith("churn of pods through the Kubernetes API, 2 worker(s)")
        .contains("\n  pod latency PodScheduled n=8 p50=20 p95=30 p99=40 max=41 avg=22 ms");
  }
}
