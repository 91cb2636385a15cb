package io.podgate.internal.measure.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podgate.PodgateException;
import io.podgate.measure.HttpLoadOptions;
import io.podgate.measure.HttpLoadResult;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WrkLoadTest {
  private static final HttpLoadOptions OPTIONS = HttpLoadOptions.builder("http://10.72.0.5:80/x")
      .connections(4).duration(Duration.ofSeconds(3)).timeout(Duration.ofMillis(1500)).method("HEAD")
      .header("X-Test", "a b").build();

  /** What wrk 4.1 printed with the script (trimmed to a few buckets; wrk's own table lines are ignored). */
  private static final String OUTPUT = """
      Running 3s test @ http://10.72.0.5:80/x
        2 threads and 4 connections
      podgate-wrk summary 3001234 1200 480000 1 2 3 7 4
      podgate-wrk latency 90 100
      podgate-wrk latency 120 900
      podgate-wrk latency 5000 10
      podgate-wrk end
      Requests/sec:    399.84
      """;

  @Test
  void theCommandRunsWrkWithThePodgateScriptForWholeSeconds() {
    assertThat(WrkLoad.command(OPTIONS, Duration.ofSeconds(3))).containsExactly("env", "PODGATE_WRK_METHOD=HEAD", "wrk",
        "-t", "2", "-c", "4", "-d", "3s", "--timeout", "2s", "-s", WrkLoad.SCRIPT_PATH, "-H", "X-Test: a b",
        "http://10.72.0.5:80/x");
    assertThatThrownBy(() -> WrkLoad.command(OPTIONS, Duration.ofMillis(2500))).isInstanceOf(PodgateException.class)
        .hasMessageContaining("whole seconds").hasMessageContaining("2500 ms");
  }

  @Test
  void parsesTotalsErrorsAndTheLatencyHistogram() {
    HttpLoadResult r = WrkLoad.parse(OUTPUT, OPTIONS);

    assertThat(r.totalRequests()).isEqualTo(1200);
    assertThat(r.totalBytes()).isEqualTo(480000);
    assertThat(r.duration()).isEqualTo(Duration.ofNanos(3_001_234_000L));
    assertThat(r.errors()).as("connect + read + write + timeout").isEqualTo(1 + 2 + 3 + 4);
    assertThat(r.timeouts()).isEqualTo(4);
    assertThat(r.non2xx()).as("wrk's status errors").isEqualTo(7);
    assertThat(r.averageRequestsPerSecond()).isCloseTo(1200 / 3.001234, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(r.latency().p50()).isEqualTo(0.120);
    assertThat(r.latencyAtPercentileMs(5)).isEqualTo(0.090);
    assertThat(r.latency().max()).isCloseTo(5.0, org.assertj.core.data.Offset.offset(0.01));
    assertThat(r.requestsPerSecondSeries()).isEmpty();
    assertThat(r.target().toString()).isEqualTo("http://10.72.0.5:80/x");
    assertThat(r.connections()).isEqualTo(4);
  }

  @Test
  void outputWithoutTheReportIsAnErrorQuotingIt() {
    assertThatThrownBy(() -> WrkLoad.parse("unable to connect to 10.72.0.5:80 Connection refused\n", OPTIONS))
        .isInstanceOf(PodgateException.class).hasMessageContaining("no complete podgate report")
        .hasMessageContaining("Connection refused");
    assertThatThrownBy(() -> WrkLoad.parse("podgate-wrk summary 1 2\npodgate-wrk end\n", OPTIONS))
        .isInstanceOf(PodgateException.class).hasMessageContaining("'podgate-wrk summary 1 2' is malformed");
    assertThatThrownBy(() -> WrkLoad.parse(OUTPUT.replace("podgate-wrk end\n", ""), OPTIONS))
        .isInstanceOf(PodgateException.class).hasMessageContaining("no complete podgate report");
  }
}
