package io.podgate.internal.junit;

import io.podgate.internal.host.PodgateLabels;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.podgate.CriContainer;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.Wait;
import io.podgate.internal.cri.v1.PodSandboxStatus;
import io.podgate.internal.pod.CriConfigs;
import io.podgate.internal.pod.PodgateSession;
import io.podgate.internal.pod.RunningContainer;
import io.podgate.testsupport.FixtureOnly;
import io.podgate.testsupport.Fixtures;
import io.podgate.testsupport.RequiresContainerd;
import io.podgate.testsupport.SessionTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * One crictl JSON with a fixed uid, attempt and log_directory (as the seed's) is a template: every pod
 * podgate makes from it is its own pod. Three per-method pods live at once (parallel execution), and a
 * second class makes more from the same file (a class pod, a SUITE pod and a nested test's pod), all at
 * the same time as the first class's: none collides in containerd or in its log file.
 */
@RequiresContainerd
class JsonTemplateTest extends SessionTestBase {
  /** Per pod: sandbox id -> "uid|config-uid annotation|log file|what the log said". */
  static final Map<String, String> SEEN = new ConcurrentHashMap<>();
  static final CyclicBarrier ALL_AT_ONCE = new CyclicBarrier(4);

  static void record(Pod pod) throws Exception {
    PodgateSession s = session();
    PodSandboxStatus status = s.cri().podSandboxStatus(pod.id()).getStatus();
    RunningContainer c = (RunningContainer) pod.container("c");
    SEEN.put(pod.id(), status.getMetadata().getUid() + "|" + status.getAnnotationsOrDefault(PodgateLabels.CONFIG_UID, "")
        + "|" + c.logFile() + "|" + c.logs().strip());
  }

  static void together() throws Exception {
    ALL_AT_ONCE.await(120, TimeUnit.SECONDS);
  }

  @Podgate
  @ExtendWith(FixtureOnly.class)
  static class PerMethodPods {
    @PodSandbox(config = "fixed-uid-pod.json")
    @CriContainer(name = "c", image = "podgate:busybox", command = {"sh", "-c", "echo I am $(cat /proc/sys/kernel/random/uuid); sleep 3600"},
        waitFor = @Wait(logRegex = "I am "))
    Pod pod;

    @Test
    void one() throws Exception {
      record(pod);
      together();
    }

    @Test
    void two() throws Exception {
      record(pod);
      together();
    }

    @Test
    void three() throws Exception {
      record(pod);
      together();
    }
  }

  @Podgate
  @ExtendWith(FixtureOnly.class)
  static class AnotherClass {
    @PodSandbox(config = "fixed-uid-pod.json")
    @CriContainer(name = "c", image = "podgate:busybox", command = {"sh", "-c", "echo I am $(cat /proc/sys/kernel/random/uuid); sleep 3600"},
        waitFor = @Wait(logRegex = "I am "))
    static Pod classPod;

    @PodSandbox(config = "fixed-uid-pod.json", scope = PodSandbox.Scope.SUITE)
    @CriContainer(name = "c", image = "podgate:busybox", command = {"sh", "-c", "echo I am $(cat /proc/sys/kernel/random/uuid); sleep 3600"},
        waitFor = @Wait(logRegex = "I am "))
    static Pod suitePod;

    @Test
    void classPodIsItsOwn() throws Exception {
      record(classPod);
      record(suitePod);
    }

    @Nested
    class Inner {
      @PodSandbox(config = "fixed-uid-pod.json")
      @CriContainer(name = "c", image = "podgate:busybox", command = {"sh", "-c", "echo I am $(cat /proc/sys/kernel/random/uuid); sleep 3600"},
          waitFor = @Wait(logRegex = "I am "))
      Pod pod;

      @Test
      void nestedPodIsItsOwnToo() throws Exception {
        record(pod);
        record(classPod);
        together();
      }
    }
  }

  @Test
  void everyPodFromTheJsonIsItsOwnPodWithItsOwnLog() {
    SEEN.clear();
    ALL_AT_ONCE.reset();
    EngineExecutionResults r = EngineTestKit.engine("junit-jupiter")
        .configurationParameter(Fixtures.FLAG, "true")
        .configurationParameters(Map.of(
            "junit.jupiter.execution.parallel.enabled", "true",
            "junit.jupiter.execution.parallel.mode.default", "concurrent",
            "junit.jupiter.execution.parallel.mode.classes.default", "concurrent",
            "junit.jupiter.execution.parallel.config.strategy", "fixed",
            "junit.jupiter.execution.parallel.config.fixed.parallelism", "6"))
        .selectors(selectClass(PerMethodPods.class), selectClass(AnotherClass.class))
        .execute();
    assertThat(Fixtures.failures(r)).isEmpty();
    assertThat(r.testEvents().succeeded().count()).isEqualTo(5);

    assertThat(SEEN).as("pods (sandbox id -> uid|config uid|log file|log)").hasSize(6);
    List<String[]> pods = SEEN.values().stream().map(v -> v.split("\\|", 4)).toList();
    assertThat(pods).extracting(p -> p[0]).as("uids").doesNotHaveDuplicates().doesNotContain("u-1");
    assertThat(pods).extracting(p -> p[1]).as("the JSON's uid, kept").containsOnly("u-1");
    assertThat(pods).extracting(p -> p[2]).as("log files").doesNotHaveDuplicates().allMatch(f -> f.startsWith("/tmp/fixed_"));
    assertThat(pods).extracting(p -> p[3]).as("each log holds its own container's line").doesNotHaveDuplicates()
        .allMatch(l -> l.matches("I am [0-9a-f-]{36}"));
    Fixtures.assertNoPodsLeft(session());
    assertThat(pods).extracting(p -> Path.of(p[2])).as("log files removed with their pods").noneMatch(Files::exists);
  }
}
