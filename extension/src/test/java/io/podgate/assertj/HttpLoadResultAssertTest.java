package io.podgate.assertj;

import io.podgate.internal.measure.api.MeasureInternals;
import io.podgate.measure.HttpLoadResult;
import static io.podgate.assertj.PodgateAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class HttpLoadResultAssertTest {

  /** 100 responses: latencies 1..100 ms, 2 s long, with the given errors and non-2xx. */
  static HttpLoadResult result(long errors, long timeouts, long non2xx) {
    Histogram h = new Histogram(3);
    for (int ms = 1; ms <= 100; ms++) {
      h.recordValue(ms * 1000L);
    }
    return MeasureInternals.access().httpLoadResult(URI.create("http://10.0.0.9/"), 4, Duration.ofSeconds(2), h, new long[] {50, 50},
        new long[] {5000, 5000}, 100, 10000, errors, timeouts, non2xx);
  }

  @Test
  void percentilesRateAndCleanRunPass() {
    assertThat(result(0, 0, 0)).hasP50AtMostMillis(51).hasP97_5AtMostMillis(99).hasP99AtMostMillis(100)
        .hasLatencyPercentileAtMostMillis(90, 91).hasRequestsPerSecondAtLeast(50).hasNoErrors().hasNoNon2xx();
  }

  @Test
  void failuresQuoteTheFigures() {
    assertThatThrownBy(() -> assertThat(result(0, 0, 0)).hasP99AtMostMillis(98.5))
        .hasMessageContaining("Expected p99 latency of at most 98.5 ms but it was 99.0")
        .hasMessageContaining("p97.5 98.0").hasMessageContaining("50.0 req/s");
    assertThatThrownBy(() -> assertThat(result(0, 0, 0)).hasRequestsPerSecondAtLeast(51))
        .hasMessageContaining("at least 51 req/s but got 50 req/s (100 responses in 2.000 s)");
    assertThatThrownBy(() -> assertThat(result(3, 1, 0)).hasNoErrors())
        .hasMessageContaining("3 failed (1 of them timeouts) next to 100 responses");
    assertThatThrownBy(() -> assertThat(result(0, 0, 7)).hasNoNon2xx())
        .hasMessageContaining("7 of 100 were not 2xx");
  }

  @Test
  void aRunWithoutResponsesFailsLatencyAndErrorChecks() {
    HttpLoadResult empty = MeasureInternals.access().httpLoadResult(URI.create("http://10.0.0.9/"), 4, Duration.ofSeconds(1),
        new Histogram(3), new long[] {0}, new long[] {0}, 0, 0, 5, 5, 0);
    assertThatThrownBy(() -> assertThat(empty).hasP50AtMostMillis(1000))
        .hasMessageContaining("no response completed at all (5 errors, 5 timeouts)");
    assertThatThrownBy(() -> assertThat(empty).hasNoNon2xx()).hasMessageContaining("no response completed");
  }
}
