package io.podgate.internal.measure.churn;

import io.podgate.PodgateException;
import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.measure.ChurnOptions;
import io.podgate.measure.ChurnResult;
import io.podgate.internal.cri.v1.ContainerFilter;
import io.podgate.internal.cri.v1.PodSandboxFilter;
import io.podgate.testsupport.CriTestDaemon;
import io.podgate.testsupport.RequiresContainerd;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@RequiresContainerd
@Timeout(300)
class ChurnEngineDaemonTest {
  static CriTestDaemon daemon;

  @BeforeAll
  static void startDaemon() throws Exception {
    daemon = CriTestDaemon.start();
  }

  @AfterAll
  static void stopDaemon() {
    if (daemon != null) {
      daemon.close();
    }
  }

  @Test
  void sharedPodChurnCountsEveryCycleAndLeavesNothing() {
    List<String> lines = new CopyOnWriteArrayList<>();
    ChurnResult r = new ChurnEngine(daemon.cri()).run(ChurnOptions.builder().workers(2).cycles(20).progress(lines::add).build());
    System.out.println(r.summary());
    assertThat(r.failureMessages()).isEmpty();
    assertThat(r.cycles()).isEqualTo(20);
    assertThat(r.cyclesPerSecond()).isPositive();
    assertThat(r.latencies().keySet()).containsExactly(ChurnResult.CREATE_CONTAINER, ChurnResult.START_CONTAINER,
        ChurnResult.STOP_CONTAINER, ChurnResult.REMOVE_CONTAINER);
    assertThat(r.latencies().values()).allSatisfy(l -> {
      assertThat(l.count()).isEqualTo(20);
      assertThat(l.p50Millis()).isPositive().isLessThanOrEqualTo(l.p90Millis());
      assertThat(l.p90Millis()).isLessThanOrEqualTo(l.p99Millis());
      assertThat(l.p99Millis()).isLessThanOrEqualTo(l.maxMillis());
    });
    assertThat(r.completedPerSecond().stream().mapToLong(Long::longValue).sum()).isEqualTo(20);
    assertThat(lines).last().asString().startsWith("churn done");
    assertNothingLeft();
  }

  @Test
  void podPerCycleChurnMeasuresPodOperationsToo() {
    ChurnResult r = new ChurnEngine(daemon.cri()).run(ChurnOptions.builder()
        .workers(2).cycles(6).mode(ChurnOptions.Mode.POD_PER_CYCLE).build());
    System.out.println(r.summary());
    assertThat(r.failureMessages()).isEmpty();
    assertThat(r.cycles()).isEqualTo(6);
    assertThat(r.latencies().keySet()).containsExactlyElementsOf(ChurnResult.operations(ChurnOptions.Mode.POD_PER_CYCLE));
    assertThat(r.latencies().values()).allSatisfy(l -> assertThat(l.count()).isEqualTo(6));
    assertNothingLeft();
  }

  @Test
  void missingImageFailsEachCycleWithTheRuntimesMessageAndLeavesNothing() {
    String image = "podgate.local/no-such-image:0";
    ChurnResult r = new ChurnEngine(daemon.cri()).run(ChurnOptions.builder().workers(2).cycles(4).image(image).build());
    System.out.println(r.summary());
    assertThat(r.cycles()).isZero();
    assertThat(r.failures()).isEqualTo(4);
    assertThat(r.failureMessages()).hasSize(4).allSatisfy(m -> assertThat(m)
        .contains("CreateContainer", image)
        .containsIgnoringCase("not found")
        .contains("is not in this runtime"));
    assertThat(r.latencies()).doesNotContainKey(ChurnResult.CREATE_CONTAINER);
    assertNothingLeft();
  }

  @Test
  void durationRunStopsAtMaxFailures() {
    ChurnResult r = new ChurnEngine(daemon.cri()).run(ChurnOptions.builder().workers(2)
        .duration(java.time.Duration.ofMinutes(5)).maxFailures(3).image("podgate.local/no-such-image:0").build());
    assertThat(r.failures()).isBetween(3L, 4L);
    assertThat(r.stoppedEarly()).hasValueSatisfying(s -> assertThat(s).contains("maxFailures = 3"));
    assertNothingLeft();
  }

  @Test
  void interruptedRunRemovesWhatItCreatedAndSaysSo() throws Exception {
    java.util.concurrent.CountDownLatch someCycles = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
    ChurnOptions options = ChurnOptions.builder().workers(2).duration(java.time.Duration.ofMinutes(5))
        .mode(ChurnOptions.Mode.POD_PER_CYCLE)
        .progressInterval(java.time.Duration.ofMillis(200))
        .progress(line -> {
          if (!line.contains(" 0 cycles")) {
            someCycles.countDown();
          }
        })
        .build();
    Thread runner = new Thread(() -> {
      try {
        new ChurnEngine(daemon.cri()).run(options);
      } catch (Throwable t) {
        thrown.set(t);
      }
    });
    runner.start();
    assertThat(someCycles.await(120, java.util.concurrent.TimeUnit.SECONDS)).as("a cycle completed").isTrue();
    runner.interrupt();
    runner.join(120_000);
    assertThat(runner.isAlive()).isFalse();
    assertThat(thrown.get()).isInstanceOf(io.podgate.PodgateException.class)
        .hasMessageContaining("churn interrupted after")
        .hasMessageContaining("everything it created was removed");
    assertNothingLeft();
  }

  private static void assertNothingLeft() {
    assertThat(daemon.cri().listContainers(ContainerFilter.getDefaultInstance())).isEmpty();
    assertThat(daemon.cri().listPodSandbox(PodSandboxFilter.getDefaultInstance())).isEmpty();
  }
}
