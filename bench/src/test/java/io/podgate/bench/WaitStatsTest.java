package io.podgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** Medians over measured rounds, the warm-up kept apart, ratios, who goes first, surefire's class time. */
class WaitStatsTest {
  @Test
  void theWarmupRoundNeverEntersTheMedian() {
    WaitStats s = new WaitStats();
    s.add("podgate", "m", 0, 5000);
    s.add("podgate", "m", 1, 300);
    s.add("podgate", "m", 2, 100);
    s.add("podgate", "m", 3, 200);
    assertThat(s.median("podgate", "m")).hasValue(200);
    assertThat(s.values("podgate", "m")).containsExactly(300.0, 100.0, 200.0);
    assertThat(s.warmup("podgate", "m")).containsExactly(5000.0);
  }

  @Test
  void anEvenCountTakesTheMeanOfTheMiddleTwo() {
    assertThat(WaitStats.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
    assertThatThrownBy(() -> WaitStats.median(List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void ratioIsMedianOverMedianAndNeedsBoth() {
    WaitStats s = new WaitStats();
    s.add("podgate", "m", 1, 100);
    s.add("podgate", "m", 2, 300);
    s.add("testcontainers", "m", 1, 400);
    assertThat(s.ratio("podgate", "testcontainers", "m").getAsDouble()).isCloseTo(0.5, Offset.offset(1e-9));
    assertThat(s.ratio("podgate", "testcontainers", "other")).isEmpty();
    s.add("testcontainers", "zero", 1, 0);
    s.add("podgate", "zero", 1, 3);
    assertThat(s.ratio("podgate", "testcontainers", "zero")).isEmpty();
  }

  @Test
  void aNonFiniteFigureIsRefusedNamingIt() {
    assertThatThrownBy(() -> new WaitStats().add("podgate", "ownRunReady", 2, Double.NaN))
        .hasMessageContaining("podgate ownRunReady round 2");
  }

  @Test
  void metricsKeepTheirFirstRecordedOrder() {
    WaitStats s = new WaitStats();
    s.add("podgate", "b", 0, 1);
    s.add("podgate", "a", 1, 1);
    s.add("podgate", "b", 1, 1);
    assertThat(s.metrics("podgate")).containsExactly("b", "a");
  }

  @Test
  void oddRoundsAndTheWarmupKeepTheOrderEvenRoundsReverseIt() {
    List<String> tools = List.of("podgate", "testcontainers");
    assertThat(WaitStats.order(0, tools)).containsExactly("podgate", "testcontainers");
    assertThat(WaitStats.order(1, tools)).containsExactly("podgate", "testcontainers");
    assertThat(WaitStats.order(2, tools)).containsExactly("testcontainers", "podgate");
    assertThat(WaitStats.order(3, tools)).containsExactly("podgate", "testcontainers");
    assertThat(WaitStats.order(2, List.of("podgate"))).containsExactly("podgate");
  }

  @Test
  void surefireElapsedIsReadFromTheFirstClassLine() {
    String out = "[INFO] Running io.podgate.bench.wait.podgate.OneNginx\n"
        + "[INFO] Tests run: 1, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 2.456 s -- in io.podgate.bench.wait.podgate.OneNginx\n"
        + "[INFO] Tests run: 1, Failures: 0, Errors: 0, Skipped: 0\n";
    assertThat(WaitStats.surefireElapsedMillis(out).getAsDouble()).isCloseTo(2456, Offset.offset(1e-6));
    assertThat(WaitStats.surefireElapsedMillis("Time elapsed: 1,5 s").getAsDouble()).isCloseTo(1500, Offset.offset(1e-6));
    assertThat(WaitStats.surefireElapsedMillis("[INFO] BUILD SUCCESS")).isEmpty();
  }
}
