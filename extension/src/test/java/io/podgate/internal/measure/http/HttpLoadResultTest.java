package io.podgate.internal.measure.http;

import io.podgate.internal.measure.api.MeasureInternals;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.podgate.measure.HttpLoadResult;
import io.podgate.PodgateException;
import java.net.URI;
import java.time.Duration;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class HttpLoadResultTest {
  private static final URI TARGET = URI.create("http://127.0.0.1:8080/");

  private static HttpLoadResult result(Histogram h, long[] rps, long[] bps) {
    long total = 0;
    for (long r : rps) {
      total += r;
    }
    return MeasureInternals.access().httpLoadResult(TARGET, 4, Duration.ofSeconds(rps.length), h, rps, bps, total, 12345, 3, 1, 7);
  }

  @Test
  void latencyStatisticsOfKnownValues() {
    Histogram h = new Histogram(3);
    for (int us = 1; us <= 1000; us++) {
      h.recordValue(us);
    }
    HttpLoadResult.LatencyStats l = result(h, new long[] {1000}, new long[] {1}).latency();
    assertThat(l.p2_5()).isEqualTo(0.025);
    assertThat(l.p50()).isEqualTo(0.5);
    assertThat(l.p97_5()).isEqualTo(0.975);
    assertThat(l.p99()).isEqualTo(0.99);
    assertThat(l.max()).isEqualTo(1.0);
    assertThat(l.avg()).isCloseTo(0.5005, within(1e-9));
    // population stdev of 1..n is sqrt((n^2 - 1) / 12)
    assertThat(l.stdev()).isCloseTo(Math.sqrt((1000.0 * 1000 - 1) / 12) / 1000, within(1e-6));
  }

  @Test
  void rateStatisticsOfKnownSamples() {
    long[] rps = {60, 10, 100, 30, 20, 90, 50, 40, 80, 70};
    long[] bps = new long[rps.length];
    for (int i = 0; i < rps.length; i++) {
      bps[i] = rps[i] * 100;
    }
    HttpLoadResult r = result(new Histogram(3), rps, bps);
    HttpLoadResult.RateStats q = r.requestsPerSecond();
    assertThat(q.p1()).isEqualTo(10);
    assertThat(q.p2_5()).isEqualTo(10);
    assertThat(q.p50()).isEqualTo(50);
    assertThat(q.p97_5()).isEqualTo(100);
    assertThat(q.avg()).isEqualTo(55);
    assertThat(q.stdev()).isCloseTo(Math.sqrt(825), within(1e-9));
    assertThat(q.min()).isEqualTo(10);
    assertThat(q.max()).isEqualTo(100);
    assertThat(r.bytesPerSecond().p50()).isEqualTo(5000);
    assertThat(r.bytesPerSecond().avg()).isEqualTo(5500);
    assertThat(r.requestsPerSecondSeries()).containsExactly(60L, 10L, 100L, 30L, 20L, 90L, 50L, 40L, 80L, 70L);
    assertThat(r.averageRequestsPerSecond()).isEqualTo(55);
  }

  @Test
  void nearestRankPercentilesOfFortySamples() {
    long[] rps = new long[40];
    for (int i = 0; i < rps.length; i++) {
      rps[i] = i + 1;
    }
    HttpLoadResult.RateStats q = result(new Histogram(3), rps, rps.clone()).requestsPerSecond();
    assertThat(q.p1()).isEqualTo(1); // rank ceil(0.4) = 1
    assertThat(q.p2_5()).isEqualTo(1); // rank ceil(1.0) = 1
    assertThat(q.p50()).isEqualTo(20);
    assertThat(q.p97_5()).isEqualTo(39);
  }

  @Test
  void emptyRunHasZeroStatisticsAndStillRenders() {
    HttpLoadResult r = result(new Histogram(3), new long[0], new long[0]);
    assertThat(r.latency().p99()).isZero();
    assertThat(r.requestsPerSecond().avg()).isZero();
    assertThat(r.latencyDistribution()).isEmpty();
    assertThat(r.toConsoleTable()).contains("0 requests in");
  }

  @Test
  void histogramAndSeriesAreCopies() {
    Histogram h = new Histogram(3);
    h.recordValue(100);
    long[] rps = {5};
    HttpLoadResult r = result(h, rps, new long[] {50});
    h.recordValue(5000);
    rps[0] = 99;
    MeasureInternals.access().latencyHistogram(r).recordValue(7000);
    assertThat(MeasureInternals.access().latencyHistogram(r).getTotalCount()).isEqualTo(1);
    assertThat(r.requestsPerSecondSeries()).containsExactly(5L);
    assertThat(r.latencyDistribution()).isNotEmpty().last().satisfies(p -> assertThat(p.millis()).isEqualTo(0.1));
  }

  @Test
  void consoleTableHasAutocannonLayout() {
    Histogram h = new Histogram(3);
    h.recordValue(1500);
    String table = result(h, new long[] {2000, 2100}, new long[] {2_290_000, 171_000}).toConsoleTable();
    assertThat(table)
        .contains("│ Stat    │ 2.5%")
        .contains("│ Latency │ 1.50 ms")
        .contains("│ Stat      │ 1%")
        .contains("Req/Sec")
        .contains("Bytes/Sec")
        .contains("2.29 MB")
        .contains("171 kB")
        .contains("4100 requests in 2.00s, 12.3 kB read")
        .contains("3 errors (1 timeouts), 4093 2xx responses, 7 non 2xx responses");
    String[] lines = table.split("\n");
    assertThat(lines[0]).startsWith("┌").endsWith("┐");
    assertThat(lines[1]).contains("97.5%").contains("99%").contains("Avg").contains("Stdev").contains("Max");
  }

  @Test
  void inconsistentInputIsRejected() {
    assertThatThrownBy(
            () -> MeasureInternals.access().httpLoadResult(TARGET, 1, Duration.ofSeconds(1), new Histogram(3), new long[2], new long[1], 0, 0, 0, 0, 0))
        .isInstanceOf(PodgateException.class)
        .hasMessageContaining("differ in length");
    assertThatThrownBy(
            () -> MeasureInternals.access().httpLoadResult(TARGET, 1, Duration.ofSeconds(1), new Histogram(3), new long[1], new long[1], 0, 0, 1, 2, 0))
        .hasMessageContaining("timeouts");
  }

  @Test
  void byteUnits() {
    assertThat(LoadReportFormat.bytes(0)).isEqualTo("0 B");
    assertThat(LoadReportFormat.bytes(999)).isEqualTo("999 B");
    assertThat(LoadReportFormat.bytes(1000)).isEqualTo("1 kB");
    assertThat(LoadReportFormat.bytes(27_900_000)).isEqualTo("27.9 MB");
  }
}
