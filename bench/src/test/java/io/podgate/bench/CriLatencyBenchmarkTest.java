package io.podgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CriLatencyBenchmarkTest {
  @Test
  void medianOfOddAndEvenCounts() {
    assertThat(CriLatencyBenchmark.median(new double[] {1, 2, 9})).isEqualTo(2);
    assertThat(CriLatencyBenchmark.median(new double[] {1, 2, 4, 9})).isEqualTo(3);
  }

  @Test
  void theVerdictFollowsTheSameRunPeerAndHistoryIsOnlyShown() {
    var pass = new CriLatencyBenchmark.OperationFigures("StartContainer", 3, 110, 90, 130, 50, 100, 120);
    var fail = new CriLatencyBenchmark.OperationFigures("StopContainer", 3, 150, 140, 160, 300, 90, 100);
    var r = new CriLatencyBenchmark.Result(3, "img", List.of(pass, fail));
    assertThat(pass.passSameRun()).isTrue();
    assertThat(fail.passSameRun()).isFalse();
    assertThat(fail.sameRunRatio()).isEqualTo(1.5);
    assertThat(fail.historyRatio()).isEqualTo(0.5);
    assertThat(r.table()).contains("StartContainer").contains("0.92  PASS").contains("1.50  FAIL");
    assertThat(r.json()).contains("\"sameRunVerdict\" : \"FAIL\"").contains("\"crictlHistoryMs\" : 300.0")
        .doesNotContain("\"verdict\"");
  }

  @Test
  void withoutASameRunPeerThereIsNoVerdict() {
    var o = new CriLatencyBenchmark.OperationFigures("StartContainer", 3, 110, 90, 130, 50, Double.NaN, Double.NaN);
    var r = new CriLatencyBenchmark.Result(3, "img", List.of(o));
    assertThat(o.passSameRun()).isFalse();
    assertThat(r.table()).doesNotContain("PASS").doesNotContain("FAIL").contains("no verdict");
  }

  @Test
  void argumentsAreReadByName() {
    String[] args = {"--reps", "7", "--socket", "/x.sock", "--fail-on-verdict"};
    assertThat(BenchDaemon.intArg(args, "--reps", 10)).isEqualTo(7);
    assertThat(BenchDaemon.intArg(args, "--seconds", 30)).isEqualTo(30);
    assertThat(BenchDaemon.arg(args, "--socket", null)).isEqualTo("/x.sock");
    assertThat(BenchDaemon.flag(args, "--fail-on-verdict")).isTrue();
  }
}
