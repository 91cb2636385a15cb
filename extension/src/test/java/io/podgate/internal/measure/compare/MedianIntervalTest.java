package io.podgate.internal.measure.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class MedianIntervalTest {

  @Test
  void exactCoverageOfOrderStatisticIntervals() {
    // 1 - 2 * P(Bin(n, 1/2) <= k - 1)
    assertThat(MedianInterval.coverage(6, 1)).isCloseTo(1 - 2.0 / 64, within(1e-12));
    assertThat(MedianInterval.coverage(5, 1)).isCloseTo(1 - 2.0 / 32, within(1e-12));
    assertThat(MedianInterval.coverage(9, 2)).isCloseTo(1 - 2 * 10.0 / 512, within(1e-12));
    assertThat(MedianInterval.coverage(10, 2)).isCloseTo(1 - 2 * 11.0 / 1024, within(1e-12));
    assertThat(MedianInterval.coverage(10, 3)).isCloseTo(1 - 2 * 56.0 / 1024, within(1e-12));
  }

  @Test
  void rankIsTheWidestSafeOrderStatistic() {
    assertThat(MedianInterval.rank(5, 0.95)).isZero();
    assertThat(MedianInterval.rank(6, 0.95)).isEqualTo(1);
    assertThat(MedianInterval.rank(8, 0.95)).isEqualTo(1);
    assertThat(MedianInterval.rank(9, 0.95)).isEqualTo(2);
    assertThat(MedianInterval.rank(10, 0.95)).isEqualTo(2);
    assertThat(MedianInterval.minimumRounds(0.95)).isEqualTo(6);
    assertThat(MedianInterval.minimumRounds(0.90)).isEqualTo(5);
    assertThat(MedianInterval.minimumRounds(0.75)).isEqualTo(3);
  }

  @Test
  void sixValuesGiveMinToMaxAndTheMeanOfTheMiddlePair() {
    MedianInterval ci = MedianInterval.of(List.of(0.05, 0.01, 0.03, 0.02, 0.04, 0.06), 0.95);
    assertThat(ci.median()).isCloseTo(0.035, within(1e-12));
    assertThat(ci.low()).isEqualTo(0.01);
    assertThat(ci.high()).isEqualTo(0.06);
    assertThat(ci.coverage()).isCloseTo(0.96875, within(1e-12));
  }

  @Test
  void nineValuesDropTheExtremeOnEachSide() {
    MedianInterval ci = MedianInterval.of(List.of(9.0, 1.0, 8.0, 2.0, 7.0, 3.0, 6.0, 4.0, 5.0), 0.95);
    assertThat(ci.median()).isEqualTo(5.0);
    assertThat(ci.low()).isEqualTo(2.0);
    assertThat(ci.high()).isEqualTo(8.0);
    assertThat(ci.rank()).isEqualTo(2);
  }

  @Test
  void tooFewValuesGiveAnUnboundedInterval() {
    MedianInterval ci = MedianInterval.of(List.of(0.1, 0.2, 0.3), 0.95);
    assertThat(ci.median()).isEqualTo(0.2);
    assertThat(ci.low()).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(ci.high()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(ci.rank()).isZero();
  }

  @Test
  void rejectsEmptySamplesAndImpossibleConfidence() {
    assertThatThrownBy(() -> MedianInterval.of(List.of(), 0.95)).hasMessageContaining("at least one round");
    assertThatThrownBy(() -> MedianInterval.of(List.of(1.0), 1.0)).hasMessageContaining("(0, 1)");
  }
}
