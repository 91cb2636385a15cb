package io.podgate.internal.measure.churn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.podgate.measure.ChurnResult;
import io.podgate.measure.ChurnResult.PodLatency;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PodLatenciesTest {

  @Test
  void nearestRankIsTheSampleAtRankCeilQTimesN() {
    double[] hundred = IntStream.rangeClosed(1, 100).asDoubleStream().toArray();
    assertThat(PodLatencies.nearestRank(hundred, 0.50)).isEqualTo(50);
    assertThat(PodLatencies.nearestRank(hundred, 0.95)).isEqualTo(95);
    assertThat(PodLatencies.nearestRank(hundred, 0.99)).isEqualTo(99);
    assertThat(PodLatencies.nearestRank(hundred, 1.0)).isEqualTo(100);
    double[] ten = IntStream.rangeClosed(1, 10).mapToDouble(i -> i * 10.0).toArray();
    assertThat(PodLatencies.nearestRank(ten, 0.50)).isEqualTo(50); // rank 5
    assertThat(PodLatencies.nearestRank(ten, 0.95)).isEqualTo(100); // rank ceil(9.5) = 10
    assertThat(PodLatencies.nearestRank(ten, 0.99)).isEqualTo(100);
    assertThat(PodLatencies.nearestRank(new double[] {7}, 0.5)).isEqualTo(7);
    double[] three = {1, 2, 3};
    assertThat(PodLatencies.nearestRank(three, 0.50)).isEqualTo(2); // rank ceil(1.5) = 2
    assertThat(PodLatencies.nearestRank(three, 0.34)).isEqualTo(2);
    assertThat(PodLatencies.nearestRank(three, 1.0 / 3)).isEqualTo(1); // exactly rank 1, no rounding up
  }

  @Test
  void badQuantilesAndEmptySamplesAreRefused() {
    assertThatThrownBy(() -> PodLatencies.nearestRank(new double[0], 0.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PodLatencies.nearestRank(new double[] {1}, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PodLatencies.nearestRank(new double[] {1}, 1.5)).isInstanceOf(IllegalArgumentException.class);
    PodLatencies l = new PodLatencies(ChurnResult.podConditions());
    assertThatThrownBy(() -> l.record("Unschedulable", 1)).hasMessageContaining("no pod condition Unschedulable");
    assertThatThrownBy(() -> l.record(ChurnResult.READY, -1)).hasMessageContaining("zero or positive");
    assertThatThrownBy(() -> l.record(ChurnResult.READY, Double.NaN)).hasMessageContaining("zero or positive");
  }

  @Test
  void summaryOfShuffledSamplesGivesQuantilesMaxAndMean() {
    List<Double> samples = new ArrayList<>();
    for (int i = 1; i <= 200; i++) {
      samples.add(i * 5.0);
    }
    Collections.shuffle(samples, new Random(3));
    PodLatency s = PodLatencies.summarize(ChurnResult.READY, samples);
    assertThat(s.condition()).isEqualTo("Ready");
    assertThat(s.count()).isEqualTo(200);
    assertThat(s.p50Millis()).isEqualTo(500); // rank 100
    assertThat(s.p95Millis()).isEqualTo(950); // rank 190
    assertThat(s.p99Millis()).isEqualTo(990); // rank 198
    assertThat(s.maxMillis()).isEqualTo(1000);
    assertThat(s.avgMillis()).isCloseTo(502.5, within(1e-9));
    assertThat(s.toString()).isEqualTo("Ready n=200 p50=500 p95=950 p99=990 max=1000 avg=503 ms");
  }

  @Test
  void summariesKeepConditionOrderAndLeaveOutConditionsWithoutSamples() {
    PodLatencies l = new PodLatencies(ChurnResult.podConditions());
    l.record(ChurnResult.READY, 900);
    l.record(ChurnResult.POD_SCHEDULED, 12);
    l.record(ChurnResult.POD_SCHEDULED, 8);
    Map<String, PodLatency> s = l.summaries();
    assertThat(s.keySet()).containsExactly(ChurnResult.POD_SCHEDULED, ChurnResult.READY);
    assertThat(s.get(ChurnResult.POD_SCHEDULED).p50Millis()).isEqualTo(8);
    assertThat(s.get(ChurnResult.POD_SCHEDULED).maxMillis()).isEqualTo(12);
    assertThat(s.get(ChurnResult.POD_SCHEDULED).avgMillis()).isEqualTo(10);
  }

  @Test
  void recordingFromManyThreadsKeepsEverySample() throws Exception {
    PodLatencies l = new PodLatencies(List.of(ChurnResult.READY));
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread th = new Thread(() -> {
        for (int i = 0; i < 1000; i++) {
          l.record(ChurnResult.READY, i);
        }
      });
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join();
    }
    assertThat(l.summaries().get(ChurnResult.READY).count()).isEqualTo(4000);
  }
}
