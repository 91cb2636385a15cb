package io.podgate.internal.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.podgate.CriContainer;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.internal.cri.v1.ContainerFilter;
import io.podgate.internal.cri.v1.PodSandboxFilter;
import io.podgate.internal.cri.v1.PodSandboxState;
import io.podgate.internal.host.PodgateLabels;
import io.podgate.internal.pod.K8sNames;
import io.podgate.testsupport.FixtureOnly;
import io.podgate.testsupport.Fixtures;
import io.podgate.testsupport.HostState;
import io.podgate.testsupport.RequiresContainerd;
import io.podgate.testsupport.SessionTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Sandboxes started ahead: while a test runs, the sandbox of the next test's per-method pod is started,
 * and that test gets it, alone, with a fresh state; nothing is left after the run; podgate.prepare=off
 * makes every pod in its test; two classes run in parallel never share a pod.
 */
@RequiresContainerd
class PreparedPodsTest extends SessionTestBase {
  /** What a test saw: its pod, the sandbox started ahead for the next test of its class (or ""), its labels. */
  record Use(String cls, String test, String podId, boolean markerFound, List<String> aheadIds, int unlabelled,
      Map<String, String> sandboxLabels, Map<String, String> containerLabels) {}

  static final List<Use> USES = new CopyOnWriteArrayList<>();
  static volatile boolean expectAhead;

  /** Checks the pod is fresh (no marker), marks it, and looks for the sandbox started ahead for the next test. */
  static void use(Class<?> cls, String test, Pod pod) {
    boolean marker = pod.container("c").exec("test", "-e", "/tmp/marker").exitCode() == 0;
    assertThat(pod.container("c").exec("touch", "/tmp/marker").exitCode()).isZero();
    List<String> ahead = List.of();
    if (expectAhead && !test.equals("m3")) { // after the last of three plain tests none is started
      ahead = await("the sandbox started ahead for the test after " + test).atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(50)).until(() -> startedAhead(cls, pod.id(), true), l -> !l.isEmpty());
    }
    var cri = session().cri();
    Map<String, String> containerLabels = cri.listContainers(ContainerFilter.newBuilder().setPodSandboxId(pod.id()).build())
        .get(0).getLabelsMap();
    USES.add(new Use(cls.getSimpleName(), test, pod.id(), marker, ahead,
        expectAhead ? 0 : startedAhead(cls, pod.id(), false).size(),
        cri.podSandboxStatus(pod.id()).getStatus().getLabelsMap(), containerLabels));
  }

  /** Sandboxes of this session and class, not {@code own}, that no test is named on (so not made in a test). */
  static List<String> startedAhead(Class<?> cls, String own, boolean readyOnly) {
    return session().cri().listPodSandbox(PodSandboxFilter.newBuilder()
            .putLabelSelector(PodgateLabels.SESSION, session().id())
            .putLabelSelector(PodgateLabels.TEST_CLASS, K8sNames.labelValue(cls.getSimpleName())).build()).stream()
        .filter(p -> !p.getId().equals(own) && !p.getLabelsMap().containsKey(PodgateLabels.TEST))
        .filter(p -> !readyOnly || p.getState() == PodSandboxState.SANDBOX_READY)
        .map(p -> p.getId()).toList();
  }

  @Podgate
  @ExtendWith(FixtureOnly.class)
  @TestMethodOrder(MethodOrderer.MethodName.class)
  static class ThreeMethods {
    @PodSandbox(name = "fresh")
    @CriContainer(name = "c", image = "podgate:busybox", command = {"sleep", "3600"})
    Pod pod;

    @Test
    void m1() {
      use(ThreeMethods.class, "m1", pod);
    }

    @Test
    void m2() {
      use(ThreeMethods.class, "m2", pod);
    }

    @Test
    void m3() {
      use(ThreeMethods.class, "m3", pod);
    }
  }

  @Podgate
  @ExtendWith(FixtureOnly.class)
  @TestMethodOrder(MethodOrderer.MethodName.class)
  static class OtherThreeMethods {
    @PodSandbox(name = "fresh")
    @CriContainer(name = "c", image = "podgate:busybox", command = {"sleep", "3600"})
    Pod pod;

    @Test
    void m1() {
      use(OtherThreeMethods.class, "m1", pod);
    }

    @Test
    void m2() {
      use(OtherThreeMethods.class, "m2", pod);
    }

    @Test
    void m3() {
      use(OtherThreeMethods.class, "m3", pod);
    }
  }

  /** Three invocations of one repeated test: their number is not known ahead, so sandboxes are prepared after the last. */
  @Podgate
  @ExtendWith(FixtureOnly.class)
  static class RepeatedThrice {
    @PodSandbox(name = "fresh")
    @CriContainer(name = "c", image = "podgate:busybox", command = {"sleep", "3600"})
    Pod pod;

    @RepeatedTest(3)
    void again() {
      assertThat(pod.container("c").exec("true").exitCode()).isZero();
    }
  }

  @Test
  void theSandboxPreparedAfterTheLastRepetitionIsRemovedBeforeTheRunReturns() throws IOException {
    long before = freshSandboxesMade();
    EngineExecutionResults r = Fixtures.run(RepeatedThrice.class);
    assertThat(Fixtures.failures(r)).isEmpty();
    assertThat(r.testEvents().succeeded().count()).isEqualTo(3);
    assertThat(freshSandboxesMade() - before).as("three used, one or two (once deepened) for repetitions that never came")
        .isBetween(4L, 5L);
    Fixtures.assertNoPodsLeft(session());
    assertThat(HostState.podLeftovers()).as("host state of pods").isEmpty();
  }

  /** m1 removes the sandbox started ahead for m2 behind podgate's back; m2 must still get a working pod. */
  @Podgate
  @ExtendWith(FixtureOnly.class)
  @TestMethodOrder(MethodOrderer.MethodName.class)
  static class AheadRemovedBehindOurBack {
    static volatile String removed = "";

    @PodSandbox(name = "fresh")
    @CriContainer(name = "c", image = "podgate:busybox", command = {"sleep", "3600"})
    Pod pod;

    @Test
    void m1() {
      List<String> ahead = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
          .until(() -> startedAhead(AheadRemovedBehindOurBack.class, pod.id(), true), l -> !l.isEmpty());
      for (String id : ahead) {
        session().cri().stopPodSandbox(id);
        session().cri().removePodSandbox(id);
      }
      removed = String.join(",", ahead);
    }

    @Test
    void m2() {
      assertThat(removed).doesNotContain(pod.id());
      assertThat(pod.container("c").exec("test", "-e", "/tmp/marker").exitCode()).isNotZero();
      USES.add(new Use("AheadRemovedBehindOurBack", "m2", pod.id(), false, List.of(), 0,
          session().cri().podSandboxStatus(pod.id()).getStatus().getLabelsMap(), Map.of()));
    }
  }

  @Test
  void aSandboxStartedAheadThatDiedIsNotUsedTheTestGetsOneMadeAtOnce() {
    EngineExecutionResults r = Fixtures.run(AheadRemovedBehindOurBack.class);
    assertThat(Fixtures.failures(r)).isEmpty();
    assertThat(r.testEvents().succeeded().count()).isEqualTo(2);
    assertThat(USES).singleElement().satisfies(u -> assertThat(u.sandboxLabels()).as("made in its test")
        .containsEntry(PodgateLabels.TEST, "m2"));
    List<String> notices = r.allEvents().reportingEntryPublished().stream()
        .map(e -> e.getRequiredPayload(ReportEntry.class).getKeyValuePairs().get("podgate.notice"))
        .filter(n -> n != null && n.contains("started ahead")).toList();
    assertThat(notices).singleElement().asString().contains("no longer runs").contains("made now")
        .satisfies(n -> assertThat(AheadRemovedBehindOurBack.removed).contains(n.split(" ")[2]));
    assertThat(podEntries(r)).hasSize(2).allSatisfy(e -> assertThat(e).doesNotContainKey("podgate.pod.aheadMs"));
    Fixtures.assertNoPodsLeft(session());
    assertThat(HostState.podLeftovers()).as("host state of pods").isEmpty();
  }

  @BeforeEach
  void clear() {
    USES.clear();
  }

  /** Sandboxes named "fresh" that the session's containerd made so far, from its log. */
  static long freshSandboxesMade() throws IOException {
    Path log = session().embedded().orElseThrow().logFile();
    try (var lines = Files.lines(log)) {
      return lines.filter(l -> l.contains("RunPodSandbox for &PodSandboxMetadata{Name:fresh,")
          && l.contains("returns sandbox id")).count();
    }
  }

  @Test
  void eachMethodGetsAFreshPodWhoseSandboxWasStartedAheadAndNothingIsLeft() throws IOException {
    expectAhead = true;
    long before = freshSandboxesMade();
    EngineExecutionResults r = Fixtures.run(ThreeMethods.class);
    assertThat(Fixtures.failures(r)).isEmpty();
    assertThat(r.testEvents().succeeded().count()).isEqualTo(3);
    assertFreshAndHandedOn(List.copyOf(USES), "ThreeMethods");
    List<Map<String, String>> pods = podEntries(r);
    assertThat(pods).hasSize(3);
    assertThat(pods).filteredOn(e -> e.containsKey("podgate.pod.aheadMs")).as("pods whose sandbox was started ahead")
        .extracting(e -> e.get("podgate.pod.id")).containsExactly(USES.get(1).podId(), USES.get(2).podId());
    assertThat(freshSandboxesMade() - before).as("sandboxes made for three plain tests: none after the last").isEqualTo(3);
    Fixtures.assertNoPodsLeft(session());
    assertThat(HostState.podLeftovers()).as("host state of pods").isEmpty();
  }

  @Test
  void prepareOffMakesEachPodInItsTest() {
    expectAhead = false;
    EngineExecutionResults r = Fixtures.run(ThreeMethods.class, Map.of(PreparedPods.PROPERTY, "off"));
    assertThat(Fixtures.failures(r)).isEmpty();
    assertThat(USES).hasSize(3).allSatisfy(u -> {
      assertThat(u.markerFound()).isFalse();
      assertThat(u.unlabelled()).as("sandboxes made outside a test").isZero();
      assertThat(u.sandboxLabels()).containsEntry(PodgateLabels.TEST, u.test());
      assertThat(u.containerLabels()).containsEntry(PodgateLabels.TEST, u.test());
    });
    assertThat(USES).extracting(Use::podId).doesNotHaveDuplicates();
    assertThat(podEntries(r)).hasSize(3).allSatisfy(e -> assertThat(e).doesNotContainKey("podgate.pod.aheadMs"));
    Fixtures.assertNoPodsLeft(session());
  }

  @Test
  void aValueOtherThanOnOrOffFailsTheTestsNamingTheProperty() {
    EngineExecutionResults r = Fixtures.run(ThreeMethods.class, Map.of(PreparedPods.PROPERTY, "sometimes"));
    assertThat(r.testEvents().failed().count()).isEqualTo(3);
    assertThat(Fixtures.failures(r)).contains("podgate.prepare = \"sometimes\" must be on or off");
    assertThat(USES).isEmpty();
    Fixtures.assertNoPodsLeft(session());
  }

  @Test
  void twoClassesInParallelNeverShareAPod() {
    expectAhead = true;
    EngineExecutionResults r = EngineTestKit.engine("junit-jupiter")
        .configurationParameter(Fixtures.FLAG, "true")
        .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
        .configurationParameter("junit.jupiter.execution.parallel.mode.default", "same_thread")
        .configurationParameter("junit.jupiter.execution.parallel.mode.classes.default", "concurrent")
        .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
        .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", "2")
        .selectors(selectClass(ThreeMethods.class), selectClass(OtherThreeMethods.class))
        .execute();
    assertThat(Fixtures.failures(r)).isEmpty();
    assertThat(r.testEvents().succeeded().count()).isEqualTo(6);
    assertThat(USES).extracting(Use::podId).as("six tests, six pods").hasSize(6).doesNotHaveDuplicates();
    for (String cls : List.of("ThreeMethods", "OtherThreeMethods")) {
      assertFreshAndHandedOn(USES.stream().filter(u -> u.cls().equals(cls)).toList(), cls);
    }
    Fixtures.assertNoPodsLeft(session());
  }

  /**
   * The uses of one class, in test order: each pod fresh, its sandbox labelled with the class (and with
   * the test only when made in it), its container with the test; each later test got a sandbox the
   * test before it saw started ahead.
   */
  private static void assertFreshAndHandedOn(List<Use> uses, String cls) {
    Map<String, Use> byTest = new HashMap<>();
    uses.forEach(u -> byTest.put(u.test(), u));
    assertThat(byTest).containsOnlyKeys("m1", "m2", "m3");
    assertThat(uses).extracting(Use::podId).doesNotHaveDuplicates();
    assertThat(uses).allSatisfy(u -> {
      assertThat(u.markerFound()).as("a file written by an earlier test, in %s", u.test()).isFalse();
      assertThat(u.sandboxLabels()).containsEntry(PodgateLabels.TEST_CLASS, cls);
      assertThat(u.containerLabels()).containsEntry(PodgateLabels.TEST, u.test())
          .containsEntry(PodgateLabels.TEST_CLASS, cls);
    });
    assertThat(byTest.get("m1").sandboxLabels()).containsEntry(PodgateLabels.TEST, "m1");
    assertThat(byTest.get("m1").aheadIds()).contains(byTest.get("m2").podId());
    assertThat(byTest.get("m2").aheadIds()).contains(byTest.get("m3").podId());
    assertThat(byTest.get("m2").sandboxLabels()).doesNotContainKey(PodgateLabels.TEST);
    assertThat(byTest.get("m3").sandboxLabels()).doesNotContainKey(PodgateLabels.TEST);
  }

  private static List<Map<String, String>> podEntries(EngineExecutionResults r) {
    return r.allEvents().reportingEntryPublished().stream()
        .map(e -> e.getRequiredPayload(ReportEntry.class).getKeyValuePairs())
        .filter(e -> e.containsKey("podgate.pod.id")).toList();
  }
}
