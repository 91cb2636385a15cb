package io.podgate.internal.measure.iperf;

import io.podgate.internal.runtime.ContainerdOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.podgate.measure.ThroughputOptions;
import io.podgate.measure.ThroughputResult;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.cri.v1.ContainerConfig;
import io.podgate.internal.cri.v1.ContainerMetadata;
import io.podgate.internal.cri.v1.ImageSpec;
import io.podgate.internal.cri.v1.PodSandboxConfig;
import io.podgate.internal.cri.v1.PodSandboxMetadata;
import io.podgate.internal.image.StandardImages;
import io.podgate.internal.measure.churn.ChurnEngine;
import io.podgate.internal.measure.iperf.CommandRunner.CommandResult;
import io.podgate.internal.measure.iperf.CommandRunner.RunningProcess;
import io.podgate.internal.runtime.EmbeddedContainerd;
import io.podgate.testsupport.RequiresContainerd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** ContainerCommandRunner against a real debug container (busybox + iperf3) on the bench bridge pgben0. */
@RequiresContainerd
@Timeout(120)
class ContainerCommandRunnerTest {
  static final String BRIDGE = "pgben0";
  static final String SUBNET = "10.206.0.0/24";

  static EmbeddedContainerd daemon;
  static CriClient cri;
  static String podId;
  static String containerId;
  static String podIp;
  static ContainerCommandRunner runner;

  @BeforeAll
  static void startDebugPod() throws Exception {
    Files.createDirectories(Path.of("/tmp/pg-bench"));
    Path base = Files.createTempDirectory(Path.of("/tmp/pg-bench"), "ccr-");
    Files.delete(base);
    daemon = EmbeddedContainerd.start(ContainerdOptions.builder()
        .name("bench-ccr").bridgeName(BRIDGE).podSubnet(SUBNET).baseDir(base)
        .sandboxImage(StandardImages.PAUSE_REFERENCE).build());
    cri = daemon.cri();
    ChurnEngine.ensureStandardImage(cri, StandardImages.PAUSE_REFERENCE);
    ChurnEngine.ensureStandardImage(cri, StandardImages.DEBUG_REFERENCE);
    PodSandboxConfig pod = PodSandboxConfig.newBuilder()
        .setMetadata(PodSandboxMetadata.newBuilder().setName("ccr").setNamespace("podgate-bench")
            .setUid(UUID.randomUUID().toString()))
        .setHostname("ccr")
        .build();
    podId = cri.runPodSandbox(pod);
    podIp = cri.podSandboxStatus(podId).getStatus().getNetwork().getIp();
    containerId = cri.createContainer(podId, ContainerConfig.newBuilder()
        .setMetadata(ContainerMetadata.newBuilder().setName("debug"))
        .setImage(ImageSpec.newBuilder().setImage(StandardImages.DEBUG_REFERENCE))
        .build(), pod);
    cri.startContainer(containerId);
    runner = new ContainerCommandRunner(cri, containerId, "debug container of pod ccr", Duration.ofSeconds(60));
  }

  @AfterAll
  static void stopAll() {
    if (daemon != null) {
      daemon.close();
    }
    assertThat(Path.of("/sys/class/net/" + BRIDGE)).as("bridge removed with the daemon").doesNotExist();
  }

  @Test
  void runGivesExitCodeStdoutAndStderr() {
    CommandResult r = runner.run(List.of("sh", "-c", "echo out; echo err >&2; exit 4"), Duration.ofSeconds(10));
    assertThat(r.exitCode()).isEqualTo(4);
    assertThat(r.stdout()).isEqualTo("out\n");
    assertThat(r.stderr()).isEqualTo("err\n");
    assertThat(r.timedOut()).isFalse();
    assertThat(r.succeeded()).isFalse();
    assertThat(runner.description()).contains("pod ccr");
  }

  @Test
  void runPastItsTimeoutIsReportedAsTimedOut() {
    CommandResult r = runner.run(List.of("sleep", "30"), Duration.ofSeconds(1));
    assertThat(r.timedOut()).isTrue();
    assertThat(r.exitCode()).isEqualTo(-1);
    assertThat(processesMatching("sleep 30")).as("the runtime ended the timed-out command").isEmpty();
  }

  @Test
  void missingExecutableIsCommandNotFound() {
    assertThatThrownBy(() -> runner.run(List.of("/no/such/tool", "-x"), Duration.ofSeconds(5)))
        .isInstanceOf(CommandNotFoundException.class)
        .hasMessageContaining("/no/such/tool")
        .hasMessageContaining("debug container of pod ccr");
  }

  @Test
  void startedCommandRunsUntilStoppedAndLeavesNothing() {
    RunningProcess p = runner.start(List.of("sleep", "301"));
    await().atMost(Duration.ofSeconds(10)).until(() -> !processesMatching("sleep 301").isEmpty());
    assertThat(p.isAlive()).isTrue();
    p.stop();
    assertThat(p.isAlive()).isFalse();
    assertThat(processesMatching("sleep 301")).isEmpty();
    assertThat(runner.run(List.of("sh", "-c", "ls /tmp/podgate-*.pid 2>/dev/null | wc -l"), Duration.ofSeconds(5))
        .stdout().strip()).as("pid files left").isEqualTo("0");
    p.stop(); // idempotent
  }

  @Test
  void startedCommandThatEndsByItselfGivesItsOutput() {
    RunningProcess p = runner.start(List.of("sh", "-c", "echo started-and-done"));
    await().atMost(Duration.ofSeconds(10)).until(() -> !p.isAlive());
    assertThat(p.output()).isEqualTo("started-and-done");
    p.close();
  }

  @Test
  void iperf3ServerInTheContainerMeasuresHostToPod() {
    ThroughputResult r = new Iperf3(runner, new HostCommandRunner())
        .measure(podIp, ThroughputOptions.builder().durationSeconds(1).build(), "host->pod");
    assertThat(r.receiverBitsPerSecond()).isPositive();
    assertThat(r.server().host()).isEqualTo(podIp);
    assertThat(processesMatching("iperf3")).as("one-off server gone after the test").isEmpty();
  }

  /** Lines of the container's {@code ps} whose command contains {@code text} (not the ps/grep itself). */
  private static List<String> processesMatching(String text) {
    String out = runner.run(List.of("ps", "-o", "pid,args"), Duration.ofSeconds(5)).stdout();
    return out.lines().filter(l -> l.contains(text)).filter(l -> !l.contains("ps -o")).toList();
  }
}
