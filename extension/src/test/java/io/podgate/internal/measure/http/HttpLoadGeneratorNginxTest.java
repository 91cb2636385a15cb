package io.podgate.internal.measure.http;

import io.podgate.internal.measure.api.MeasureInternals;
import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.measure.HttpLoadOptions;
import io.podgate.measure.HttpLoadResult;
import io.podgate.testsupport.RequiresContainerd;
import io.podgate.testsupport.TestNginx;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs the load generator against a real nginx started by the test on 127.0.0.1. */
@RequiresContainerd
@Timeout(120)
class HttpLoadGeneratorNginxTest {
  @TempDir static Path dir;
  static TestNginx nginx;

  @BeforeAll
  static void startNginx() throws Exception {
    nginx = TestNginx.start(dir, 1000);
  }

  @AfterAll
  static void stopNginx() throws Exception {
    if (nginx != null) {
      nginx.close();
    }
  }

  @Test
  void shortRunGetsOnly2xxWithConsistentTotals() {
    List<String> progress = new CopyOnWriteArrayList<>();
    HttpLoadResult r =
        new HttpLoadGenerator(
            HttpLoadOptions.builder(nginx.url("/index.html"))
                .connections(4)
                .duration(Duration.ofSeconds(2))
                .progress(progress::add)
                .build()).run();
    assertThat(r.totalRequests()).isPositive();
    assertThat(r.errors()).isZero();
    assertThat(r.non2xx()).isZero();
    assertThat(r.responses2xx()).isEqualTo(r.totalRequests());
    assertThat(r.connections()).isEqualTo(4);
    assertThat(r.requestsPerSecondSeries()).hasSize(2);
    long sum = r.requestsPerSecondSeries().stream().mapToLong(Long::longValue).sum();
    // a response finishing right at the last tick may land after the sample: at most one per connection
    assertThat(sum).isBetween(r.totalRequests() - 4, r.totalRequests());
    long bytesSum = r.bytesPerSecondSeries().stream().mapToLong(Long::longValue).sum();
    assertThat(r.totalBytes()).isGreaterThanOrEqualTo(bytesSum).isGreaterThan(r.totalRequests() * TestNginx.BODY.length());
    assertThat(MeasureInternals.access().latencyHistogram(r).getTotalCount()).isEqualTo(r.totalRequests());
    assertThat(r.latency().p50()).isPositive().isLessThanOrEqualTo(r.latency().p99());
    assertThat(r.latency().p99()).isLessThanOrEqualTo(r.latency().max());
    assertThat(progress).isEmpty();
    assertThat(r.toConsoleTable()).contains(r.totalRequests() + " requests in");
  }

  @Test
  void requestCountBoundedRunSendsExactlyThatMany() throws IOException {
    long before = nginx.loggedRequests();
    HttpLoadResult r =
        new HttpLoadGenerator(
            HttpLoadOptions.builder(nginx.url("/index.html")).connections(3).totalRequests(1001).build()).run();
    assertThat(r.totalRequests()).isEqualTo(1001);
    assertThat(r.errors()).isZero();
    assertThat(MeasureInternals.access().latencyHistogram(r).getTotalCount()).isEqualTo(1001);
    assertThat(nginx.loggedRequests() - before).isEqualTo(1001);
  }

  @Test
  void missingPathCountsAsNon2xx() {
    HttpLoadResult r =
        HttpLoadGenerator.run(
            HttpLoadOptions.builder(nginx.url("/no-such-file")).connections(2).totalRequests(200).build());
    assertThat(r.totalRequests()).isEqualTo(200);
    assertThat(r.non2xx()).isEqualTo(200);
    assertThat(r.responses2xx()).isZero();
    assertThat(r.errors()).isZero();
  }

  @Test
  void serverClosingEveryFewRequestsIsFollowedByReconnects(@TempDir Path ownDir) throws Exception {
    try (TestNginx closing = TestNginx.start(ownDir, 3)) {
      HttpLoadResult r =
          new HttpLoadGenerator(
              HttpLoadOptions.builder(closing.url("/index.html")).connections(2).totalRequests(300).build()).run();
      assertThat(r.totalRequests()).isEqualTo(300);
      assertThat(r.errors()).isZero();
      assertThat(closing.loggedRequests()).isEqualTo(300);
    }
  }

  @Test
  void closedPortCountsErrorsWithoutHanging() throws IOException {
    int port = TestNginx.freePort();
    HttpLoadResult r =
        new HttpLoadGenerator(
            HttpLoadOptions.builder("http://127.0.0.1:" + port + "/")
                .connections(2)
                .duration(Duration.ofSeconds(1))
                .build()).run();
    assertThat(r.totalRequests()).isZero();
    assertThat(r.errors()).isPositive();
    assertThat(r.timeouts()).isZero();

    HttpLoadResult counted =
        new HttpLoadGenerator(
            HttpLoadOptions.builder("http://127.0.0.1:" + port + "/").connections(2).totalRequests(20).build()).run();
    assertThat(counted.errors()).isEqualTo(20);
  }

  @Test
  void silentServerCountsTimeouts() throws Exception {
    List<Socket> accepted = new ArrayList<>();
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    Socket s = silent.accept();
                    synchronized (accepted) {
                      accepted.add(s);
                    }
                  }
                } catch (IOException closed) {
                  // the test closed the listener
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      HttpLoadResult r =
          new HttpLoadGenerator(
              HttpLoadOptions.builder("http://127.0.0.1:" + silent.getLocalPort() + "/")
                  .connections(2)
                  .duration(Duration.ofMillis(1500))
                  .timeout(Duration.ofMillis(200))
                  .build()).run();
      assertThat(r.totalRequests()).isZero();
      assertThat(r.timeouts()).isPositive();
      assertThat(r.errors()).isEqualTo(r.timeouts());
    } finally {
      synchronized (accepted) {
        for (Socket s : accepted) {
          s.close();
        }
      }
    }
  }

  @Test
  void longRunReportsProgressAndWarmupIsNotCounted() throws IOException {
    List<String> progress = new CopyOnWriteArrayList<>();
    long before = nginx.loggedRequests();
    HttpLoadResult r =
        HttpLoadGenerator.run(
            HttpLoadOptions.builder(nginx.url("/index.html"))
                .connections(1)
                .duration(Duration.ofSeconds(6))
                .warmup(Duration.ofMillis(500))
                .progress(progress::add)
                .build());
    assertThat(progress).hasSize(1);
    assertThat(progress.get(0)).contains("5s/6s").contains("requests").contains("0 errors");
    assertThat(r.requestsPerSecondSeries()).hasSize(6);
    // nginx saw the warm-up requests too, the result did not
    assertThat(nginx.loggedRequests() - before).isGreaterThan(r.totalRequests());
  }
}
