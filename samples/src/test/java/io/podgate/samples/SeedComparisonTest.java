package io.podgate.samples;

import io.podgate.measure.Gates;
import static io.podgate.assertj.PodgateAssertions.assertThat;

import io.podgate.measure.ChurnResult;
import io.podgate.measure.ComparisonResult;
import io.podgate.CriContainer;
import io.podgate.measure.HttpLoadResult;
import io.podgate.measure.Measure;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.measure.Throughput;
import io.podgate.Wait;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The seed's comparison as a user writes it: what does the pod network cost against the host?
 * Gates are generous (a noisy 2-core CI machine); the report (target/podgate/index.html) has the
 * figures of every run.
 */
@Tag("containerd")
@Podgate
class SeedComparisonTest {
  @PodSandbox(name = "seed-cmp")
  @CriContainer(name = "nginx", image = "podgate:nginx", waitFor = @Wait(httpPath = "/", httpPort = 80))
  @CriContainer(name = "debug", image = "podgate:debug")
  static Pod pod;

  @Test
  void throughputHostToPodAgainstLoopback(Measure measure) {
    ComparisonResult r = measure.throughput(Throughput.hostTo(pod.container("debug")))
        .durationSeconds(1)
        .against(Throughput.loopback())
        .atMostPercent(60)
        .rounds(6, 12)
        .check();

    assertThat(r).passed();
  }

  @Test
  void httpNginxInPodAgainstNginxOnHost(Measure measure) {
    ComparisonResult r = measure.http("http://" + pod.ip() + "/")
        .label("nginx in pod")
        .connections(10)
        .seconds(2)
        .warmupSeconds(1)
        .against(measure.hostNginx(), "nginx on host")
        .atMostPercent(70)
        .rounds(6, 6)
        .check();

    assertThat(r).passed();
  }

  @Test
  void httpLoadOnThePod(Measure measure) {
    HttpLoadResult r = measure.http("http://" + pod.ip() + "/").connections(10).seconds(3).run();

    assertThat(r).hasNoErrors().hasNoNon2xx().hasP99AtMostMillis(1000).hasRequestsPerSecondAtLeast(100);
  }

  @Test
  void churnWithTwoWorkers(Measure measure) {
    ChurnResult c = measure.churn().workers(2).seconds(5).run();

    assertThat(c).hasNoFailures();
  }
}
