package io.podgate.reliability;

import io.podgate.internal.host.PodgateLabels;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podgate.CriContainer;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.PodgateException;
import io.podgate.Wait;
import io.podgate.internal.cri.v1.ContainerFilter;
import io.podgate.internal.cri.v1.PodSandboxFilter;
import io.podgate.internal.cri.v1.PortMapping;
import io.podgate.internal.cri.v1.Protocol;
import io.podgate.internal.pod.ConfigRef;
import io.podgate.internal.pod.ContainerSpec;
import io.podgate.internal.pod.PodProvisioner;
import io.podgate.internal.pod.PodSpec;
import io.podgate.internal.pod.PodgateSession;
import io.podgate.testsupport.Faults;
import io.podgate.testsupport.FixtureOnly;
import io.podgate.testsupport.HostState;
import io.podgate.testsupport.RequiresContainerd;
import io.podgate.testsupport.SessionProbe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * A pod that fails half-way leaves nothing: RunPodSandbox failing in the network plugin, CreateContainer
 * failing, StartContainer failing, a readiness wait timing out. Right after each test (the daemon still
 * running) no sandbox, container, netns, veth, iptables rule or CNI cache of the session is left, the
 * test fails with the first error, and the run ends without an engine-level error.
 */
@RequiresContainerd
class HalfMadePodsTest {
  /** What was left right after each fixture test, by test class: in the runtime, and on the host. */
  static final Map<String, List<String>> LEFT = new ConcurrentHashMap<>();
  static final Map<String, List<String>> LEFT_ON_HOST = new ConcurrentHashMap<>();

  /** Registered before @Podgate, so its afterEach runs after podgate's: records what the test left. */
  public static final class LeftoverProbe implements AfterEachCallback {
    @Override
    public void afterEach(ExtensionContext ctx) {
      List<String> left = new ArrayList<>();
      try (PodgateSession.Lease lease = PodgateSession.acquire()) {
        PodgateSession s = lease.session();
        s.cri().listPodSandbox(PodSandboxFilter.newBuilder().putLabelSelector(PodgateLabels.SESSION, s.id()).build())
            .forEach(p -> left.add("sandbox " + p.getMetadata().getName() + " " + p.getId() + " " + p.getState()));
        s.cri().listContainers(ContainerFilter.newBuilder().putLabelSelector(PodgateLabels.SESSION, s.id()).build())
            .forEach(c -> left.add("container " + c.getMetadata().getName() + " " + c.getId() + " " + c.getState()));
      }
      LEFT.put(ctx.getRequiredTestClass().getSimpleName(), left);
      LEFT_ON_HOST.put(ctx.getRequiredTestClass().getSimpleName(), HostState.podLeftovers());
    }
  }

  static ContainerSpec box(String name, List<String> command, ContainerSpec.WaitSpec wait) {
    return new ContainerSpec("container " + name, name, name, "podgate:busybox", command, List.of(), Map.of(), "",
        List.of(), false, 0, ConfigRef.NONE, wait);
  }

  static PodSpec pod(String name, List<ContainerSpec> containers) {
    return new PodSpec("pod " + name, name, name, "", Map.of(), Map.of(), "", "", List.of(), List.of(), List.of(),
        List.of(), ConfigRef.NONE, containers);
  }

  @ExtendWith({FixtureOnly.class, SessionProbe.class, LeftoverProbe.class})
  @Podgate
  static class SandboxFailsInNetworkPlugin {
    /** Port 0 passes CRI but fails portmap's ADD, and its DEL too: containerd keeps the sandbox, netns and veth. */
    @Test
    void runPodSandboxFails() {
      try (PodgateSession.Lease lease = PodgateSession.acquire()) {
        PodProvisioner provisioner = lease.session().provisioner();
        PodProvisioner.Prepared prepared = provisioner.prepare(
            pod("portzero", List.of(box("c", List.of("sleep", "3600"), ContainerSpec.WaitSpec.running()))));
        // past the checks, as a runtime-level failure would be
        prepared.sandbox().addPortMappings(PortMapping.newBuilder().setProtocol(Protocol.TCP).setContainerPort(0)
            .setHostIp("127.0.0.1"));
        provisioner.provision(prepared);
      }
    }
  }

  @ExtendWith({FixtureOnly.class, SessionProbe.class, LeftoverProbe.class})
  @Podgate
  static class CreateContainerFails {
    /** Two containers given one CRI name: one is created, the other refused ("name is reserved"). */
    @Test
    void createContainerFails() {
      try (PodgateSession.Lease lease = PodgateSession.acquire()) {
        PodProvisioner provisioner = lease.session().provisioner();
        PodProvisioner.Prepared prepared = provisioner.prepare(pod("twins", List.of(
            box("a", List.of("sleep", "3600"), ContainerSpec.WaitSpec.running()),
            box("b", List.of("sleep", "3600"), ContainerSpec.WaitSpec.running()))));
        prepared.containerConfigs().get(1).getMetadataBuilder().setName("a");
        provisioner.provision(prepared);
      }
    }
  }

  @ExtendWith({FixtureOnly.class, SessionProbe.class, LeftoverProbe.class})
  @Podgate
  static class StartContainerFails {
    @PodSandbox
    @CriContainer(name = "ok", image = "podgate:busybox", command = {"sleep", "3600"})
    @CriContainer(name = "ghost", image = "podgate:busybox", command = {"/no/such/entrypoint"})
    Pod pod;

    @Test
    void neverRuns() {}
  }

  @ExtendWith({FixtureOnly.class, SessionProbe.class, LeftoverProbe.class})
  @Podgate
  static class WaitTimesOut {
    @PodSandbox
    @CriContainer(name = "deaf", image = "podgate:busybox", command = {"sleep", "3600"},
        waitFor = @Wait(tcpPort = 9, timeoutSeconds = 2))
    Pod pod;

    @Test
    void neverRuns() {}
  }

  static EngineExecutionResults results;
  /** The network-plugin fixture runs alone: containerd keeps its sandbox record until it restarts. */
  static EngineExecutionResults networkResults;
  static final List<SessionProbe.Seen> SESSIONS = new ArrayList<>();

  @BeforeAll
  static void runFixtures() {
    LEFT.clear();
    LEFT_ON_HOST.clear();
    results = Faults.run(CreateContainerFails.class, StartContainerFails.class, WaitTimesOut.class);
    SESSIONS.addAll(SessionProbe.SEEN);
    // portmap is the CNI plugin that fails on port 0; podgate's own host-port rules are not in the CNI chain
    System.setProperty(PodgateSession.CNI_PORTMAP_PROPERTY, "true");
    try {
      networkResults = Faults.run(SandboxFailsInNetworkPlugin.class);
    } finally {
      System.clearProperty(PodgateSession.CNI_PORTMAP_PROPERTY);
    }
    SESSIONS.addAll(SessionProbe.SEEN);
  }

  static void assertNothingLeftBy(Class<?> fixture) {
    assertThat(LEFT).containsKey(fixture.getSimpleName());
    assertThat(LEFT.get(fixture.getSimpleName())).as("left in the runtime right after " + fixture.getSimpleName()).isEmpty();
    assertThat(LEFT_ON_HOST.get(fixture.getSimpleName())).as("left on the host right after " + fixture.getSimpleName())
        .isEmpty();
  }

  /**
   * containerd 1.6 keeps a sandbox whose CNI ADD and DEL both fail and refuses every StopPodSandbox of it;
   * podgate removes its netns (and so the veth), rules and caches, and says the record stays.
   */
  @Test
  void runPodSandboxFailingInTheNetworkPluginLeavesNothingOnTheHost() {
    Throwable first = networkResults.testEvents().failed().stream()
        .map(e -> e.getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow())
        .findFirst().orElseThrow();
    assertThat(first).as("the test fails with the first error: RunPodSandbox's")
        .isInstanceOf(PodgateException.class)
        .hasMessageStartingWith("pod portzero: creating pod 'portzero' failed")
        .hasMessageContaining("RunPodSandbox").hasMessageContaining("portmap")
        .hasMessageNotContaining("podgate removed");
    assertThat(first.getSuppressed()).as("the cleanup's report, attached to the first error").singleElement()
        .satisfies(cleanup -> assertThat(cleanup)
            .hasMessageStartingWith("removing what the failed RunPodSandbox of pod 'portzero' left: ")
            .hasMessageContaining("podgate removed its network namespace, veth, iptables rules and CNI caches itself"));
    String fixture = SandboxFailsInNetworkPlugin.class.getSimpleName();
    assertThat(LEFT_ON_HOST.get(fixture)).as("left on the host").isEmpty();
    assertThat(LEFT.get(fixture)).as("only containerd's own record, without containers")
        .singleElement().asString().startsWith("sandbox portzero ").endsWith("SANDBOX_NOTREADY");
    assertThat(networkResults.testEvents().failed().count()).isEqualTo(1);
    assertThat(networkResults.containerEvents().failed().count()).as("class or engine level failures").isZero();
  }

  @Test
  void createContainerFailingLeavesNothing() {
    assertThat(Faults.failuresOf(results, CreateContainerFails.class))
        .contains("creating container").contains("of pod 'twins' failed");
    assertNothingLeftBy(CreateContainerFails.class);
  }

  @Test
  void startContainerFailingLeavesNothing() {
    assertThat(Faults.failuresOf(results, StartContainerFails.class))
        .contains("starting container 'ghost'").contains("/no/such/entrypoint");
    assertNothingLeftBy(StartContainerFails.class);
  }

  @Test
  void aWaitTimingOutLeavesNothing() {
    assertThat(Faults.failuresOf(results, WaitTimesOut.class)).contains("container 'deaf'").contains("not ready after 2 s");
    assertNothingLeftBy(WaitTimesOut.class);
  }

  @Test
  void eachFixtureFailsOnceWithItsFirstErrorAndTheRunEndsCleanly() {
    assertThat(results.testEvents().failed().count()).isEqualTo(3);
    assertThat(results.containerEvents().failed().count()).as("class or engine level failures").isZero();
    assertThat(Faults.failures(results) + Faults.failures(networkResults))
        .doesNotContain("Failed to close extension context").doesNotContain("ending podgate session");
    HostState.assertClean(HostState.bridge(), HostState.subnet(), SESSIONS);
  }

  @Test
  void theChecksRefuseThePortBeforeAnythingIsCreated() {
    ContainerSpec c = box("c", List.of("sleep", "1"), ContainerSpec.WaitSpec.running());
    PodSpec spec = new PodSpec("pod p", "p", "p", "", Map.of(), Map.of(), "", "", List.of(), List.of(), List.of(),
        List.of(new PodSpec.PortSpec(0, 0, "127.0.0.1", PodSpec.Protocol.TCP)), ConfigRef.NONE, List.of(c));
    assertThatThrownBy(() -> io.podgate.internal.pod.SpecValidator.validate(spec))
        .hasMessage("pod p: ports[0].containerPort = 0 is out of range 1..65535");
  }
}
