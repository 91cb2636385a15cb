package io.podgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.podgate.internal.cri.v1.ContainerFilter;
import io.podgate.internal.cri.v1.PodSandboxFilter;
import io.podgate.testsupport.CriTestDaemon;
import io.podgate.testsupport.RequiresContainerd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@RequiresContainerd
class CriLatencyBenchmarkDaemonTest {

  @Test
  @Timeout(300)
  void threeRepetitionsGiveAllSevenOperationsAndLeaveNothing() throws Exception {
    try (CriTestDaemon daemon = CriTestDaemon.start()) {
      CriLatencyBenchmark.Result r = new CriLatencyBenchmark().run(daemon.cri(), 3, daemon.daemon().logFile(),
          daemon.daemon().socket());
      System.out.print(r.table());
      assertThat(r.operations()).extracting(CriLatencyBenchmark.OperationFigures::operation)
          .containsExactlyElementsOf(CriLatencyBenchmark.OPERATIONS);
      assertThat(r.operations()).allSatisfy(o -> {
        assertThat(o.samples()).isEqualTo(3);
        assertThat(o.minMillis()).isPositive().isLessThanOrEqualTo(o.medianMillis());
        assertThat(o.medianMillis()).isLessThanOrEqualTo(o.maxMillis());
        assertThat(o.runtimeMillis()).as("containerd's own time for %s", o.operation()).isPositive()
            .isLessThan(o.medianMillis());
        assertThat(o.crictlEquivalentMillis()).isGreaterThan(o.runtimeMillis());
        assertThat(o.passSameRun()).isEqualTo(o.medianMillis() <= o.crictlEquivalentMillis());
      });
      assertThat(r.cliOverheadMillis()).as("ctr version wall time").isPositive();
      assertThat(r.table()).contains("crictl~").contains("containerd");
      JsonNode json = new ObjectMapper().readTree(r.json());
      assertThat(json.path("operations")).hasSize(7);
      assertThat(json.path("operations").get(0).path("operation").asText()).isEqualTo("RunPodSandbox");
      assertThat(json.path("operations").get(0).path("crictlHistoryMs").asDouble()).isEqualTo(216.0);
      assertThat(json.path("operations").get(0).path("crictlEquivalentMs").asDouble()).isPositive();
      assertThat(daemon.cri().listContainers(ContainerFilter.getDefaultInstance())).isEmpty();
      assertThat(daemon.cri().listPodSandbox(PodSandboxFilter.getDefaultInstance())).isEmpty();
    }
  }
}
