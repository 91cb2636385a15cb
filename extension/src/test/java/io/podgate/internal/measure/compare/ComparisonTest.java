package io.podgate.internal.measure.compare;

import static io.podgate.assertj.PodgateAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.podgate.measure.ComparisonResult;
import io.podgate.measure.GateFailedError;
import io.podgate.measure.Gates;
import io.podgate.measure.Measurement;
import io.podgate.measure.MetricDirection;
import io.podgate.PodgateException;
import io.podgate.measure.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.DoubleStream;
import org.junit.jupiter.api.Test;

class ComparisonTest {

  /** Baseline always 100; the subject yields 100 * (1 - overhead) for each scripted overhead. */
  private static Measurement[] scripted(List<String> calls, double... overheads) {
    Iterator<Double> it = DoubleStream.of(overheads).boxed().iterator();
    Measurement base = Measurement.named("base", () -> {
      calls.add("B");
      return 100.0;
    });
    Measurement subj = Measurement.named("subj", () -> {
      calls.add("S");
      return 100.0 * (1 - it.next());
    });
    return new Measurement[] {base, subj};
  }

  @Test
  void roundsAlternateTheOrderAndPairEachRound() {
    List<String> calls = new ArrayList<>();
    Measurement[] m = scripted(calls, 0.1, 0.2, 0.3, 0.4);
    ComparisonResult r = Gates.overhead(m[0], m[1]).rounds(4, 4).evaluate();

    assertThat(calls).containsExactly("B", "S", "S", "B", "B", "S", "S", "B");
    assertThat(r.verdict()).isEqualTo(Verdict.UNGATED);
    assertThat(r.rounds()).isEqualTo(4);
    assertThat(r.baselineValues()).containsExactly(100.0, 100.0, 100.0, 100.0);
    double[] expected = {0.1, 0.2, 0.3, 0.4};
    for (int i = 0; i < expected.length; i++) {
      assertThat(r.overheads().get(i)).isCloseTo(expected[i], within(1e-12));
    }
    assertThat(r.medianOverhead()).isCloseTo(0.25, within(1e-12));
    assertThat(r.baselineDescription()).isEqualTo("base");
  }

  @Test
  void aClearlySmallOverheadPassesOnceSixRoundsBoundTheInterval() {
    Measurement[] m = scripted(new ArrayList<>(), 0.05, 0.04, 0.06, 0.05, 0.03, 0.05, 0.05, 0.05, 0.05);
    ComparisonResult r = Gates.overhead(m[0], m[1]).atMostPercent(15).rounds(3, 9).check();

    assertThat(r).passed().hasOverheadAtMostPercent(15).usedAtMostRounds(6);
    assertThat(r.rounds()).isEqualTo(6);
    assertThat(r.ciLow()).isCloseTo(0.03, within(1e-12));
    assertThat(r.ciHigh()).isCloseTo(0.06, within(1e-12));
  }

  @Test
  void aClearlyLargeOverheadFailsWithEveryFigureInTheMessage() {
    Measurement[] m = scripted(new ArrayList<>(), 0.40, 0.38, 0.41, 0.39, 0.42, 0.40, 0.4, 0.4, 0.4);
    assertThatThrownBy(() -> Gates.overhead(m[0], m[1]).atMostPercent(15).rounds(3, 9).check())
        .isInstanceOfSatisfying(GateFailedError.class, e -> {
          assertThat(e.result().verdict()).isEqualTo(Verdict.FAIL);
          assertThat(e.result().rounds()).isEqualTo(6);
        })
        .hasMessageContaining("FAIL")
        .hasMessageContaining("median overhead 40.00%")
        .hasMessageContaining("CI [38.00%, 42.00%]")
        .hasMessageContaining("threshold <= 15.00%")
        .hasMessageContaining("rounds used 6 of max 9")
        .hasMessageContaining("58.0000");
  }

  @Test
  void anIntervalStraddlingTheThresholdAsksForMoreRounds() {
    // at 6 rounds [min, max] = [2 %, 12 %] straddles 10 %; at 9 rounds [x(2), x(8)] = [2 %, 5 %] passes
    Measurement[] m = scripted(new ArrayList<>(), 0.02, 0.03, 0.12, 0.04, 0.05, 0.03, 0.04, 0.03, 0.02, 0.5);
    ComparisonResult r = Gates.overhead(m[0], m[1]).atMostPercent(10).rounds(6, 12).evaluate();

    assertThat(r.verdict()).isEqualTo(Verdict.PASS);
    assertThat(r.rounds()).isEqualTo(9);
    assertThat(r.ciLow()).isCloseTo(0.02, within(1e-12));
    assertThat(r.ciHigh()).isCloseTo(0.05, within(1e-12));
  }

  @Test
  void anExhaustedRoundBudgetIsInconclusiveWithTheFigures() {
    Measurement[] m = scripted(new ArrayList<>(), 0.05, 0.15, 0.08, 0.12, 0.09, 0.11, 0.10);
    assertThatThrownBy(() -> Gates.overhead(m[0], m[1]).atMostPercent(10).rounds(3, 7).check())
        .isInstanceOfSatisfying(GateFailedError.class, e -> {
          assertThat(e.result().verdict()).isEqualTo(Verdict.INCONCLUSIVE);
          assertThat(e.result().rounds()).isEqualTo(7);
        })
        .hasMessageContaining("INCONCLUSIVE")
        .hasMessageContaining("round budget (max 7) is used up")
        .hasMessageContaining("rounds used 7 of max 7")
        .hasMessageContaining("median overhead 10.00%")
        .hasMessageContaining("CI [5.00%, 15.00%]")
        .hasMessageContaining("threshold <= 10.00%")
        .hasMessageContaining("85.0000");
  }

  @Test
  void aTimeBudgetStopsBeforeARoundThatWouldOverrunIt() {
    AtomicLong now = new AtomicLong();
    long second = 1_000_000_000L;
    Iterator<Double> it = List.of(0.05, 0.15, 0.08, 0.12, 0.09, 0.11, 0.10, 0.10, 0.10, 0.10).iterator();
    Measurement base = Measurement.named("base", () -> {
      now.addAndGet(second);
      return 100.0;
    });
    Measurement subj = Measurement.named("subj", () -> {
      now.addAndGet(second);
      return 100.0 * (1 - it.next());
    });
    Comparison.Plan plan = new Comparison.Plan(6, 20, Optional.of(Duration.ofSeconds(15)),
        OptionalDouble.of(0.10), 0.95, MetricDirection.HIGHER_IS_BETTER);
    ComparisonResult r = new Comparison(base, subj, plan, now::get).run();

    // 2 s per round: after 7 rounds (14 s) an 8th would end at 16 s > 15 s
    assertThat(r.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(r.rounds()).isEqualTo(7);
    assertThat(r.reason()).contains("time budget");
  }

  @Test
  void lowerIsBetterCountsASlowerSubjectAsOverhead() {
    Measurement latencyBase = Measurement.named("base ms", () -> 10.0);
    Measurement latencySubj = Measurement.named("subj ms", () -> 11.0);
    ComparisonResult r = Gates.overhead(latencyBase, latencySubj).lowerIsBetter().rounds(6, 6).evaluate();
    assertThat(r.medianOverhead()).isCloseTo(0.10, within(1e-12));
    assertThat(r.direction()).isEqualTo(MetricDirection.LOWER_IS_BETTER);
  }

  @Test
  void aFailingMeasurementNamesTheRoundAndTheSide() {
    Measurement base = Measurement.named("base", () -> 100.0);
    AtomicLong calls = new AtomicLong();
    Measurement subj = Measurement.named("pod path", () -> {
      if (calls.incrementAndGet() == 2) {
        throw new IllegalStateException("iperf3 server busy");
      }
      return 90.0;
    });
    assertThatThrownBy(() -> Gates.overhead(base, subj).atMostPercent(15).rounds(6, 9).evaluate())
        .isInstanceOf(PodgateException.class)
        .hasMessageContaining("Round 2: subject measurement [pod path] failed: iperf3 server busy")
        .hasMessageContaining("baseline [100.0]");
  }

  @Test
  void aBudgetThatCanNeverBoundTheIntervalIsRejectedUpFront() {
    Measurement one = () -> 1.0;
    assertThatThrownBy(() -> Gates.overhead(one, one).atMostPercent(10).rounds(3, 5).evaluate())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs at least 6 rounds");
    // a lower confidence makes 5 rounds enough
    assertThat(Gates.overhead(one, one).atMostPercent(10).rounds(3, 5).confidence(0.90).evaluate().verdict())
        .isEqualTo(Verdict.PASS);
  }

  @Test
  void aZeroBaselineIsReportedNotDividedBy() {
    Measurement zero = Measurement.named("dead baseline", () -> 0.0);
    assertThatThrownBy(() -> Gates.overhead(zero, () -> 1.0).rounds(6, 6).evaluate())
        .isInstanceOf(PodgateException.class)
        .hasMessageContaining("baseline [dead baseline] measured 0.0");
  }
}
