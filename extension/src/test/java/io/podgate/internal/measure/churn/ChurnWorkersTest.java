package io.podgate.internal.measure.churn;

import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.measure.ChurnOptions;
import io.podgate.measure.ChurnResult;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChurnWorkersTest {
  private static final int WORKERS = 8;

  /** A failed cycle may still be running on every other worker when the limit is reached, but no new one starts. */
  @Test
  void fastFailingCyclesNeverOvershootMaxFailuresByMoreThanTheOtherWorkers() {
    for (int run = 0; run < 1000; run++) {
      int maxFailures = 1 + run % 3;
      ChurnOptions options = ChurnOptions.builder().workers(WORKERS).duration(Duration.ofMinutes(1))
          .maxFailures(maxFailures).build();
      ChurnResult r = new ChurnWorkers(options, ChurnOptions.Path.CRI, "t" + run, new LatencyHistograms(List.of("A")))
          .run(() -> { }, name -> {
            throw new IllegalStateException("refused " + name);
          }, (name, e) -> e.getMessage(), () -> { });
      assertThat(r.failures()).as("run %d, maxFailures %d", run, maxFailures)
          .isBetween((long) maxFailures, (long) maxFailures + WORKERS - 1);
      assertThat(r.stoppedEarly()).hasValueSatisfying(s -> assertThat(s).contains("maxFailures = " + maxFailures));
      assertThat(r.cycles()).isZero();
    }
  }
}
