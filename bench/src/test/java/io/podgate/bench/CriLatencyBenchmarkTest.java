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
  void verdictAndRatioFollowTheReference() {
    var pass = new CriLatencyBenchmark.OperationFigures("StartContainer", 3, 110, 90, 130, 110, true);
    var fail = new CriLatencyBenchmark.OperationFigures("StopContainer", 3, 150, 140, 160, 100, false);
    var r = new CriLatencyBenchmark.Result(3, "img", List.of(pass, fail));
    assertThat(pass.verdict()).isEqualTo("PASS");
    assertThat(fail.ratio()).isEqualTo(1.5);
    assertThat(r.allPass()).isFalse();
    assertThat(r.table()).contains("StartContainer").contains("PASS").contains("1.50  FAIL");
    assertThat(r.json()).contains("\"verdict\" : \"FAIL\"").contains("\"crictlMs\" : 100.0");
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
