package io.podgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Little's law as a check of a load tool's own figures: mean latency = connections / throughput. */
class HttpVsWrkTest {
  @Test
  void consistentFiguresDeviateByNothing() {
    assertThat(HttpVsWrk.littleDeviation(0.25, 40_000, 10)).isCloseTo(0.0, within(1e-12));
  }

  @Test
  void aMeanLatencyAboveWhatTheThroughputAllowsShowsAsAPositiveDeviation() {
    assertThat(HttpVsWrk.littleDeviation(0.317, 36_794, 10)).isCloseTo(0.1664, within(1e-3));
    assertThat(HttpVsWrk.littleDeviation(0.2, 40_000, 10)).isCloseTo(-0.2, within(1e-12));
  }
}
