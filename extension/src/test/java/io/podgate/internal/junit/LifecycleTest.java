package io.podgate.internal.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.CriContainer;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.testsupport.FixtureOnly;
import io.podgate.testsupport.Fixtures;
import io.podgate.testsupport.RequiresContainerd;
import io.podgate.testsupport.SessionTestBase;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** Static pods live for their class, instance pods for one method; nested classes see outer pods; parallel runs work. */
@RequiresContainerd
class LifecycleTest extends SessionTestBase {
  /** test display path -> "static id|instance id". */
  static final List<String[]> RECORDS = new CopyOnWriteArrayList<>();

  @Podgate
  @ExtendWith(FixtureOnly.class)
  static class Scopes {
    @PodSandbox
    @CriContainer(name = "c", image = "podgate:busybox", command = {"sleep", "3600"})
    static Pod shared;

    @PodSandbox
    @CriContainer(name = "c", image = "podgate:busybox", command = {"sleep", "3600"})
    Pod own;

    @RepeatedTest(2)
    void outer() {
      RECORDS.add(new String[] {"outer", shared.id(), own.id()});
    }

    @Nested
    class Inner {
      @PodSandbox
      @CriContainer(name = "c", image = "podgate:busybox", command = {"sleep", "3600"})
      Pod innerOwn;

      @Test
      void seesOuterPods() {
        assertThat(shared.container("c").exec("true").exitCode()).isZero();
        assertThat(innerOwn.ip()).isNotEqualTo(own.ip());
        RECORDS.add(new String[] {"inner", shared.id(), own.id(), innerOwn.id()});
      }
    }
  }

  @Test
  void staticPodsPerClassInstancePodsPerMethodNestedSeesOuter() {
    RECORDS.clear();
    EngineExecutionResults results = Fixtures.run(Scopes.class);
    assertThat(results.testEvents().failed().count()).as(Fixtures.failures(results)).isZero();
    assertThat(results.testEvents().succeeded().count()).isEqualTo(3);
    assertThat(RECORDS).hasSize(3);
    assertThat(RECORDS).extracting(r -> r[1]).containsOnly(RECORDS.get(0)[1]);
    assertThat(RECORDS).extracting(r -> r[2]).doesNotHaveDuplicates().doesNotContain(RECORDS.get(0)[1]);
    Fixtures.assertNoPodsLeft(session());
  }

  static final Map<String, String> PARALLEL_PODS = new ConcurrentHashMap<>();
  static final Set<String> PARALLEL_THREADS = ConcurrentHashMap.newKeySet();

  @Podgate
  @ExtendWith(FixtureOnly.class)
  static class Parallel {
    @PodSandbox
    @CriContainer(name = "c", image = "podgate:busybox", command = {"sleep", "3600"})
    Pod pod;

    @RepeatedTest(8)
    void perMethodPod(org.junit.jupiter.api.RepetitionInfo info, @PodSandbox @CriContainer(name = "p", image = "podgate:busybox",
        command = {"sleep", "3600"}) Pod param) {
      assertThat(pod.container("c").exec("hostname").stdout()).isNotBlank();
      assertThat(param.container("p").exec("true").exitCode()).isZero();
      PARALLEL_PODS.put("field-" + info.getCurrentRepetition(), pod.id());
      PARALLEL_PODS.put("param-" + info.getCurrentRepetition(), param.id());
      PARALLEL_THREADS.add(Thread.currentThread().getName());
    }
  }

  @Test
  void fourThreadParallelRunOfPerMethodPods() {
    PARALLEL_PODS.clear();
    PARALLEL_THREADS.clear();
    EngineExecutionResults results = Fixtures.run(Parallel.class, Map.of(
        "junit.jupiter.execution.parallel.enabled", "true",
        "junit.jupiter.execution.parallel.mode.default", "concurrent",
        "junit.jupiter.execution.parallel.config.strategy", "fixed",
        "junit.jupiter.execution.parallel.config.fixed.parallelism", "4"));
    assertThat(results.testEvents().failed().count()).as(Fixtures.failures(results)).isZero();
    assertThat(results.testEvents().succeeded().count()).isEqualTo(8);
    assertThat(PARALLEL_PODS).hasSize(16);
    assertThat(PARALLEL_PODS.values()).doesNotHaveDuplicates();
    assertThat(PARALLEL_THREADS).as("worker threads").hasSizeGreaterThan(1);
    Fixtures.assertNoPodsLeft(session());
  }
}
