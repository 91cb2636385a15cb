package io.podgate.kubernetes.internal.backend;

import static io.podgate.assertj.PodgateAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podgate.Podgate;
import io.podgate.PodgateException;
import io.podgate.internal.backend.BackendLease;
import io.podgate.internal.backend.PodBackends;
import io.podgate.internal.measure.churn.ChurnEngine;
import io.podgate.measure.ChurnOptions;
import io.podgate.measure.ChurnResult;
import io.podgate.measure.Measure;
import io.podgate.internal.measure.churn.PodApiChurn;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * measure.churn() on the real local cluster (the module's surefire sets podgate.backend = local-cluster): pods
 * created, awaited, deleted and awaited gone through the API, with kube-burner's pod-latency quantiles.
 */
@Tag("containerd")
@Podgate
class LocalClusterChurnTest {

  @Test
  void churnOnAClusterIsPodChurnThroughTheApiWithPodLatencies(Measure measure) {
    ChurnResult r = measure.churn().workers(2).seconds(4).run();

    assertThat(r.path()).isEqualTo(ChurnOptions.Path.POD_API);
    assertThat(r).hasNoFailures().hasPodLatenciesFor(ChurnResult.POD_SCHEDULED, ChurnResult.INITIALIZED,
        ChurnResult.CONTAINERS_READY, ChurnResult.READY);
    assertThat(r.cycles()).isPositive();
    assertThat(r.latencies().keySet()).containsExactlyElementsOf(ChurnResult.podApiOperations());
    assertThat(r.podLatencies().keySet()).containsExactlyElementsOf(ChurnResult.podConditions());
    // the default command runs until killed, so every completed pod was seen Ready, with the three others True
    for (ChurnResult.PodLatency l : r.podLatencies().values()) {
      assertThat(l.count()).as(l.condition()).isEqualTo(r.cycles());
      assertThat(l.p50Millis()).as(l.condition()).isPositive().isLessThanOrEqualTo(l.p95Millis());
      assertThat(l.p95Millis()).as(l.condition()).isLessThanOrEqualTo(l.p99Millis());
      assertThat(l.p99Millis()).as(l.condition()).isLessThanOrEqualTo(l.maxMillis());
      assertThat(l.avgMillis()).as(l.condition()).isBetween(0.0, l.maxMillis());
    }
    // per pod PodScheduled <= Initialized <= ContainersReady <= Ready, so every quantile keeps that order
    List<ToDoubleFunction<ChurnResult.PodLatency>> quantiles = List.of(ChurnResult.PodLatency::p50Millis,
        ChurnResult.PodLatency::p95Millis, ChurnResult.PodLatency::p99Millis, ChurnResult.PodLatency::maxMillis);
    for (ToDoubleFunction<ChurnResult.PodLatency> q : quantiles) {
      double previous = 0;
      for (String c : ChurnResult.podConditions()) {
        double v = q.applyAsDouble(r.podLatency(c));
        assertThat(v).as(c + " in " + r.summary()).isGreaterThanOrEqualTo(previous);
        previous = v;
      }
    }
    assertThat(r.summary()).contains("pods through the Kubernetes API").contains("pod latency Ready n=" + r.cycles());
    assertNoChurnPodLeft();
  }

  @Test
  void aCommandThatEndsByItselfCompletesWhenThePodSucceeded(Measure measure) {
    ChurnResult r = measure.churn().workers(2).cycles(4).command("/bin/true").run();

    assertThat(r).hasNoFailures().hasPodLatenciesFor(ChurnResult.POD_SCHEDULED, ChurnResult.INITIALIZED);
    assertThat(r.cycles()).isEqualTo(4);
    assertThat(r.podLatency(ChurnResult.POD_SCHEDULED).count()).isEqualTo(4);
    assertNoChurnPodLeft();
  }

  /** (A command that exits non-zero at once, e.g. /bin/false, may be seen Ready first: no cycle would fail.) */
  @Test
  void aContainerThatCannotRunFailsItsCycleNamingWhy(Measure measure) {
    ChurnResult r = measure.churn().workers(1).cycles(2).command("/no-such-binary").run();

    assertThat(r.cycles()).isZero();
    assertThat(r.failures()).isEqualTo(2);
    assertThat(r.failureMessages()).allSatisfy(m -> assertThat(m).contains("container churn"));
    assertThat(r.podLatencies()).isEmpty();
    assertNoChurnPodLeft();
  }

  @Test
  void anInterruptedRunRemovesItsPodsBeforeItThrows() throws Exception {
    try (BackendLease lease = PodBackends.acquire()) {
      PodApiChurn churn = lease.backend().capability(PodApiChurn.class).orElseThrow();
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      CountDownLatch progressed = new CountDownLatch(1);
      Thread runner = new Thread(() -> {
        try {
          churn.run(ChurnOptions.builder().path(ChurnOptions.Path.POD_API).workers(2).duration(Duration.ofMinutes(2))
              .progressInterval(Duration.ofMillis(500)).progress(line -> progressed.countDown()).build());
        } catch (Throwable t) {
          thrown.set(t);
        }
      });
      runner.start();
      assertThat(progressed.await(60, TimeUnit.SECONDS)).as("the run started").isTrue();
      runner.interrupt();
      runner.join(TimeUnit.MINUTES.toMillis(2));
      assertThat(runner.isAlive()).isFalse();
      assertThat(thrown.get()).isInstanceOf(PodgateException.class).hasMessageContaining("churn interrupted after")
          .hasMessageContaining("everything it created was removed");
      assertNoChurnPodLeft();
    }
  }

  @Test
  void anImageTheClusterCannotGetFailsBeforeAnyPodIsMade(Measure measure) {
    assertThatThrownBy(() -> measure.churn().image("podgate:no-such").cycles(1).run())
        .isInstanceOf(PodgateException.class)
        .hasMessageContaining("measure.churn() image").hasMessageContaining("podgate:no-such")
        .hasMessageContaining("is not a built-in image");
    assertNoChurnPodLeft();
  }

  @Test
  void criAndContainerdPathsAreRefusedOnACluster(Measure measure) {
    for (ChurnOptions.Path p : List.of(ChurnOptions.Path.CRI, ChurnOptions.Path.CONTAINERD)) {
      assertThatThrownBy(() -> measure.churn().path(p).cycles(1).run()).isInstanceOf(PodgateException.class)
          .hasMessageContaining("measure.churn().path(" + p + ")").hasMessageContaining("is a Kubernetes cluster")
          .hasMessageContaining("POD_API is the default on this backend");
    }
  }

  private static void assertNoChurnPodLeft() {
    try (BackendLease lease = PodBackends.acquire()) {
      KubernetesPodBackend backend = (KubernetesPodBackend) lease.backend();
      assertThat(backend.client().pods().inNamespace(backend.namespace()).withLabel(ChurnEngine.RUN_LABEL).list()
          .getItems()).isEmpty();
    }
  }
}
