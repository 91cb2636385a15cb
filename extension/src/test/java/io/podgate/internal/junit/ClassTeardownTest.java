package io.podgate.internal.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.CriContainer;
import io.podgate.HostPort;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.PortMapping;
import io.podgate.internal.cri.v1.PodSandboxFilter;
import io.podgate.internal.pod.PodgateSession;
import io.podgate.testsupport.Faults;
import io.podgate.testsupport.FixtureOnly;
import io.podgate.testsupport.HostState;
import io.podgate.testsupport.RequiresContainerd;
import io.podgate.testsupport.SessionProbe;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * Class-level (static) pods are removed in the background: the next class starts while they go, the
 * run waits for them at its end, a removal that fails fails the run naming the class and the pod, and a
 * pod asking for a fixed host port a pod being removed holds waits for that removal.
 */
@RequiresContainerd
class ClassTeardownTest {
  private static final Map<String, String> ORDERED = Map.of("junit.jupiter.testclass.order.default",
      ClassOrderer.OrderAnnotation.class.getName());
  static final List<String> SANDBOXES_OF_A = new CopyOnWriteArrayList<>();
  static final List<Boolean> A_STILL_THERE_WHEN_B_STARTED = new CopyOnWriteArrayList<>();

  @ExtendWith({FixtureOnly.class, SessionProbe.class})
  @Podgate
  @Order(1)
  static class A {
    @PodSandbox
    @CriContainer(name = "c", image = "podgate:busybox", command = {"sleep", "3600"})
    static Pod first;

    @PodSandbox
    @CriContainer(name = "c", image = "podgate:busybox", command = {"sleep", "3600"})
    static Pod second;

    @Test
    void runs() {
      SANDBOXES_OF_A.add(first.id()); // removed last: second goes first (reverse order)
    }
  }

  @ExtendWith({FixtureOnly.class, SessionProbe.class})
  @Podgate
  @Order(2)
  static class B {
    @BeforeAll
    static void seeWhetherAIsStillThere() {
      try (PodgateSession.Lease lease = PodgateSession.acquire()) {
        A_STILL_THERE_WHEN_B_STARTED.add(!lease.session().cri().listPodSandbox(PodSandboxFilter.newBuilder()
            .setId(SANDBOXES_OF_A.get(0)).build()).isEmpty());
      }
    }

    @Test
    void runs() {}
  }

  @Test
  void nextClassStartsWhileTheLastOnesPodsAreRemovedAndTheRunWaitsForThem() {
    SANDBOXES_OF_A.clear();
    A_STILL_THERE_WHEN_B_STARTED.clear();
    EngineExecutionResults r = Faults.run(ORDERED, A.class, B.class);
    assertThat(Faults.failures(r)).isEmpty();
    assertThat(r.testEvents().succeeded().count()).isEqualTo(2);
    assertThat(A_STILL_THERE_WHEN_B_STARTED).as("A's sandbox still listed when B's @BeforeAll ran").containsExactly(true);
    HostState.assertClean();
  }

  @Test
  void inlineRemovesThemBeforeTheNextClass() {
    SANDBOXES_OF_A.clear();
    A_STILL_THERE_WHEN_B_STARTED.clear();
    Map<String, String> config = new java.util.HashMap<>(ORDERED);
    config.put(Teardowns.PROPERTY, "inline");
    EngineExecutionResults r = Faults.run(config, A.class, B.class);
    assertThat(Faults.failures(r)).isEmpty();
    assertThat(A_STILL_THERE_WHEN_B_STARTED).containsExactly(false);
    HostState.assertClean();
  }

  @ExtendWith({FixtureOnly.class, SessionProbe.class})
  @Podgate
  static class ClassPodRemovedBehindOurBack {
    @PodSandbox
    @CriContainer(name = "c", image = "podgate:busybox", command = {"sleep", "3600"})
    static Pod first;

    @PodSandbox
    @CriContainer(name = "c", image = "podgate:busybox", command = {"sleep", "3600"})
    static Pod second;

    @Test
    void removesSecondItself() {
      try (PodgateSession.Lease lease = PodgateSession.acquire()) {
        lease.session().cri().stopPodSandbox(second.id());
        lease.session().cri().removePodSandbox(second.id());
      }
    }
  }

  @Test
  void aClassPodThatCannotBeRemovedFailsTheRunNamingClassAndPod() {
    EngineExecutionResults r = Faults.run(ClassPodRemovedBehindOurBack.class);
    assertThat(r.testEvents().failed().count()).as("the test passed").isZero();
    assertThat(Faults.failuresOf(r, ClassPodRemovedBehindOurBack.class)).as("the class had reported").isEmpty();
    assertThat(r.containerEvents().failed().count()).as("the run failed at its end").isEqualTo(1);
    assertThat(Faults.failures(r)).startsWith("AssertionError: removing the pods of test class")
        .contains(ClassPodRemovedBehindOurBack.class.getName()).contains("after it had finished failed")
        .contains("pod 'second'").contains("@PodSandbox on field ClassPodRemovedBehindOurBack.second")
        .contains("no longer exists; something else removed it")
        .doesNotContain("Failed to close extension context");
    List<Map<String, String>> entries = r.allEvents().reportingEntryPublished().stream()
        .map(e -> e.getRequiredPayload(ReportEntry.class).getKeyValuePairs()).toList();
    assertThat(entries).anySatisfy(e -> assertThat(e.get("podgate.teardown.failed"))
        .contains(ClassPodRemovedBehindOurBack.class.getName()).contains("pod 'second'"));
    HostState.assertClean();
  }

  @Test
  void inlineFailsTheClassItself() {
    EngineExecutionResults r = Faults.run(Map.of(Teardowns.PROPERTY, "inline"), ClassPodRemovedBehindOurBack.class);
    assertThat(Faults.failuresOf(r, ClassPodRemovedBehindOurBack.class)).contains("tearing down pods failed")
        .contains("pod 'second'").doesNotContain("Failed to close extension context");
    assertThat(r.containerEvents().failed().count()).isEqualTo(1);
    HostState.assertClean();
  }

  static final int FIXED_PORT = 38996;
  static final List<Integer> PORTS_SEEN = new CopyOnWriteArrayList<>();

  @ExtendWith({FixtureOnly.class, SessionProbe.class})
  @Podgate
  @Order(1)
  static class FirstOnFixedPort {
    @PodSandbox(ports = @PortMapping(containerPort = 80, hostPort = FIXED_PORT))
    @CriContainer(name = "web", image = "podgate:nginx", waitFor = @io.podgate.Wait(httpPath = "/", httpPort = 80))
    static Pod web;

    @HostPort(pod = "web", containerPort = 80)
    static int port;

    @Test
    void serves() throws Exception {
      PORTS_SEEN.add(port);
      assertThat(io.podgate.testsupport.Fixtures.tcpOpen("127.0.0.1", port)).isTrue();
    }
  }

  @ExtendWith({FixtureOnly.class, SessionProbe.class})
  @Podgate
  @Order(2)
  static class SecondOnFixedPort {
    @PodSandbox(ports = @PortMapping(containerPort = 80, hostPort = FIXED_PORT))
    @CriContainer(name = "web", image = "podgate:nginx", waitFor = @io.podgate.Wait(httpPath = "/", httpPort = 80))
    static Pod web;

    @HostPort(pod = "web", containerPort = 80)
    static int port;

    @Test
    void serves() throws Exception {
      PORTS_SEEN.add(port);
      assertThat(io.podgate.testsupport.Fixtures.tcpOpen("127.0.0.1", port)).isTrue();
    }
  }

  @Test
  void aFixedHostPortHeldByAPodBeingRemovedIsWaitedFor() {
    PORTS_SEEN.clear();
    EngineExecutionResults r = Faults.run(ORDERED, FirstOnFixedPort.class, SecondOnFixedPort.class);
    assertThat(Faults.failures(r)).isEmpty();
    assertThat(r.testEvents().succeeded().count()).isEqualTo(2);
    assertThat(PORTS_SEEN).containsExactly(FIXED_PORT, FIXED_PORT);
    HostState.assertClean();
  }

  @ExtendWith({FixtureOnly.class, SessionProbe.class})
  @Podgate
  static class PerMethodOnFixedPort {
    @PodSandbox(ports = @PortMapping(containerPort = 80, hostPort = FIXED_PORT))
    @CriContainer(name = "web", image = "podgate:nginx", waitFor = @io.podgate.Wait(httpPath = "/", httpPort = 80))
    Pod web;

    @HostPort(pod = "web", containerPort = 80)
    int port;

    @Test
    void first() {
      PORTS_SEEN.add(port);
    }

    @Test
    void second() {
      PORTS_SEEN.add(port);
    }
  }

  /** The per-method pod before is removed in the background too: its port is waited for in the same way. */
  @Test
  void aPerMethodPodOnAFixedHostPortWaitsForThePodOfTheTestBefore() {
    PORTS_SEEN.clear();
    EngineExecutionResults r = Faults.run(PerMethodOnFixedPort.class);
    assertThat(Faults.failures(r)).isEmpty();
    assertThat(PORTS_SEEN).containsExactly(FIXED_PORT, FIXED_PORT);
    HostState.assertClean();
  }

  static final Map<String, String> PARALLEL_IDS = new java.util.concurrent.ConcurrentHashMap<>();

  @ExtendWith({FixtureOnly.class, SessionProbe.class})
  @Podgate
  static class Parallel1 {
    @PodSandbox
    @CriContainer(name = "c", image = "podgate:busybox", command = {"sleep", "3600"})
    static Pod pod;

    @Test
    void runs() {
      assertThat(pod.container("c").exec("true").exitCode()).isZero();
      PARALLEL_IDS.put("Parallel1", pod.id());
    }
  }

  @ExtendWith({FixtureOnly.class, SessionProbe.class})
  @Podgate
  static class Parallel2 {
    @PodSandbox
    @CriContainer(name = "c", image = "podgate:busybox", command = {"sleep", "3600"})
    static Pod pod;

    @Test
    void runs() {
      assertThat(pod.container("c").exec("true").exitCode()).isZero();
      PARALLEL_IDS.put("Parallel2", pod.id());
    }
  }

  @ExtendWith({FixtureOnly.class, SessionProbe.class})
  @Podgate
  static class Parallel3 {
    @PodSandbox
    @CriContainer(name = "c", image = "podgate:busybox", command = {"sleep", "3600"})
    static Pod pod;

    @Test
    void runs() {
      assertThat(pod.container("c").exec("true").exitCode()).isZero();
      PARALLEL_IDS.put("Parallel3", pod.id());
    }
  }

  /** Classes running at the same time each hand their pods to the background removal; the run waits for all. */
  @Test
  void parallelClassesEachRemoveTheirOwnPods() {
    PARALLEL_IDS.clear();
    EngineExecutionResults r = Faults.run(Map.of(
        "junit.jupiter.execution.parallel.enabled", "true",
        "junit.jupiter.execution.parallel.mode.default", "concurrent",
        "junit.jupiter.execution.parallel.mode.classes.default", "concurrent",
        "junit.jupiter.execution.parallel.config.strategy", "fixed",
        "junit.jupiter.execution.parallel.config.fixed.parallelism", "3"), Parallel1.class, Parallel2.class, Parallel3.class);
    assertThat(Faults.failures(r)).isEmpty();
    assertThat(r.testEvents().succeeded().count()).isEqualTo(3);
    assertThat(PARALLEL_IDS).hasSize(3);
    assertThat(PARALLEL_IDS.values()).doesNotHaveDuplicates();
    HostState.assertClean();
  }
}
