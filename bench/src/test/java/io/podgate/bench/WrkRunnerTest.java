package io.podgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.podgate.PodgateException;
import io.podgate.bench.WrkRunner.WrkResult;
import io.podgate.testsupport.TestNginx;
import io.podgate.testsupport.RequiresContainerd;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class WrkRunnerTest {

  @RequiresContainerd
  @Test
  void realWrkRunIsParsed(@TempDir Path dir) throws Exception {
    try (TestNginx nginx = TestNginx.start(dir, 1000)) {
      WrkResult r =
          WrkRunner.onPath().run(nginx.url("/index.html"), 1, 2, Duration.ofSeconds(1), Duration.ofSeconds(2));
      assertThat(r.requests()).isPositive();
      assertThat(r.durationSeconds()).isPositive();
      assertThat(r.requestsPerSecond()).isPositive();
      assertThat(r.bytes()).isGreaterThan(r.requests() * TestNginx.BODY.length());
      assertThat(r.socketErrors()).isZero();
      assertThat(r.non2xx3xx()).isZero();
      assertThat(r.latencyP50()).isPositive();
      assertThat(r.latencyP2_5()).isLessThanOrEqualTo(r.latencyP50());
      assertThat(r.latencyP50()).isLessThanOrEqualTo(r.latencyP97_5());
      assertThat(r.latencyP97_5()).isLessThanOrEqualTo(r.latencyP99());
      assertThat(r.latencyP99()).isLessThanOrEqualTo(r.latencyMax());
      // wrk's own summary line and the hook's figures describe the same run
      assertThat(r.requestsPerSecond()).isCloseTo(r.requests() / r.durationSeconds(), within(r.requestsPerSecond() * 0.01 + 1));
      assertThat(nginx.loggedRequests()).isGreaterThanOrEqualTo(r.requests());
    }
  }

  @Test
  void parsesHookLineAndSummary() {
    String out =
        "Running 1s test @ http://127.0.0.1:1/\n"
            + "Requests/sec:  12345.67\n"
            + WrkRunner.JSON_MARKER
            + "{\"requests\":12400,\"duration_us\":1004000,\"bytes\":3000000,\"connect_errors\":1,"
            + "\"read_errors\":2,\"write_errors\":3,\"status_errors\":4,\"timeouts\":5,\"mean_us\":410.5,"
            + "\"stdev_us\":100.25,\"min_us\":50,\"max_us\":9000,\"p2_5_us\":100,\"p50_us\":400,"
            + "\"p97_5_us\":800,\"p99_us\":1200}\n";
    WrkResult r = WrkRunner.parse(out);
    assertThat(r.requests()).isEqualTo(12400);
    assertThat(r.requestsPerSecond()).isEqualTo(12345.67);
    assertThat(r.durationSeconds()).isEqualTo(1.004);
    assertThat(r.socketErrors()).isEqualTo(6);
    assertThat(r.timeouts()).isEqualTo(5);
    assertThat(r.non2xx3xx()).isEqualTo(4);
    assertThat(r.latencyP2_5()).isEqualTo(0.1);
    assertThat(r.latencyP50()).isEqualTo(0.4);
    assertThat(r.latencyP97_5()).isEqualTo(0.8);
    assertThat(r.latencyP99()).isEqualTo(1.2);
    assertThat(r.latencyAvg()).isEqualTo(0.4105);
    assertThat(r.latencyMax()).isEqualTo(9.0);
  }

  @Test
  void outputWithoutHookLineIsNamed() {
    assertThatThrownBy(() -> WrkRunner.parse("Requests/sec: 1\n"))
        .isInstanceOf(PodgateException.class)
        .hasMessageContaining("PODGATE_WRK_JSON");
    assertThatThrownBy(() -> WrkRunner.parse(WrkRunner.JSON_MARKER + "{\"requests\":1}\n"))
        .hasMessageContaining("lacks numeric field 'duration_us'");
  }

  @Test
  void missingBinaryIsNamed(@TempDir Path dir) {
    assertThatThrownBy(
            () -> new WrkRunner(dir.resolve("no-wrk")).run("http://127.0.0.1:1/", 1, 1, Duration.ofSeconds(1), Duration.ofSeconds(1)))
        .isInstanceOf(PodgateException.class)
        .hasMessageContaining("wrk")
        .hasMessageContaining("install");
  }
}
