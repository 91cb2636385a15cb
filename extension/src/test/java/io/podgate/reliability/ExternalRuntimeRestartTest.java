package io.podgate.reliability;

import io.podgate.internal.runtime.ContainerdOptions;
import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.CriContainer;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.image.StandardImages;
import io.podgate.internal.pod.PodgateSession;
import io.podgate.internal.runtime.CriEndpoint;
import io.podgate.internal.runtime.EmbeddedContainerd;
import io.podgate.internal.host.Ipv4Subnet;
import io.podgate.testsupport.Faults;
import io.podgate.testsupport.FixtureOnly;
import io.podgate.testsupport.HostState;
import io.podgate.testsupport.RequiresContainerd;
import io.podgate.testsupport.SessionProbe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * A runtime given by endpoint (podgate.cri.endpoint) restarts between two tests of a class: the
 * next CRI call reconnects by itself, the class's pod (which survived in its shim) still answers, a
 * new pod can be made, and at the end both pods are removed.
 */
@RequiresContainerd
class ExternalRuntimeRestartTest {
  static final String BRIDGE = "pgrl22";
  static final List<String> PODS = new CopyOnWriteArrayList<>();
  static volatile Runnable restart;

  @ExtendWith({FixtureOnly.class, SessionProbe.class})
  @Podgate
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  static class RuntimeRestartsUnderneath {
    @PodSandbox
    @CriContainer(name = "c", image = "podgate:busybox", command = {"sleep", "3600"})
    static Pod pod;

    @Test
    @Order(1)
    void beforeTheRestart() {
      PODS.add(pod.id());
      assertThat(pod.container("c").exec("echo", "before").stdout()).contains("before");
    }

    @Test
    @Order(2)
    void acrossTheRestart() {
      restart.run();
      assertThat(pod.container("c").exec("echo", "after").stdout()).contains("after");
    }

    @Test
    @Order(3)
    void newPodAfterTheRestart(@PodSandbox @CriContainer(name = "c", image = "podgate:busybox",
        command = {"sleep", "3600"}) Pod fresh) {
      PODS.add(fresh.id());
      assertThat(fresh.container("c").exec("echo", "fresh").stdout()).contains("fresh");
    }
  }

  /** The restart is over when a fresh client gets an answer; podgate's own channel is not touched here. */
  static void awaitAnswering(EmbeddedContainerd external, Process daemon) throws Exception {
    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < until) {
      if (!daemon.isAlive()) {
        break;
      }
      if (java.nio.file.Files.exists(external.socket())) {
        try (CriClient probe = CriClient.connect(external.socket())) {
          probe.withDeadline(Duration.ofSeconds(2)).version();
          return;
        } catch (RuntimeException notYet) {
          // still starting
        }
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("restarted containerd does not answer (alive: " + daemon.isAlive() + "); log:\n"
        + external.logTail(30));
  }

  @Test
  void restartedRuntimeIsReconnectedAndItsPodsAreStillRemoved() throws Exception {
    Ipv4Subnet subnet = Ipv4Subnet.parse("10.210.2.0/24");
    Path base = Path.of(System.getProperty("podgate.workdir", "/tmp/podgate-test")).resolve("ext-" + ProcessHandle.current().pid());
    EmbeddedContainerd external = EmbeddedContainerd.start(ContainerdOptions.builder().name("external")
        .bridgeName(BRIDGE).podSubnet(subnet.toString()).baseDir(base).sandboxImage(StandardImages.PAUSE_REFERENCE).build());
    Process[] restarted = new Process[1];
    long firstPid = external.pid();
    List<String> left;
    EngineExecutionResults r;
    try {
      restart = () -> {
        try {
          ProcessHandle first = ProcessHandle.of(firstPid).orElseThrow();
          first.destroy(); // SIGTERM: containerd leaves its shims, and so the pods, running
          first.onExit().get(20, TimeUnit.SECONDS);
          restarted[0] = new ProcessBuilder("containerd", "--config", base.resolve("config.toml").toString())
              .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(external.logFile().toFile()))
              .start();
          awaitAnswering(external, restarted[0]);
        } catch (Exception e) {
          throw new IllegalStateException("restarting containerd failed", e);
        }
      };
      PODS.clear();
      System.setProperty(CriEndpoint.PROPERTY, "unix://" + external.socket());
      try {
        r = Faults.run(RuntimeRestartsUnderneath.class);
      } finally {
        System.clearProperty(CriEndpoint.PROPERTY);
      }
      try (CriClient cri = CriClient.connect(external.socket())) {
        left = cri.withDeadline(Duration.ofSeconds(20)).listPodSandbox().stream()
            .map(p -> p.getMetadata().getName() + " " + p.getId() + " " + p.getState()).toList();
      }
    } finally {
      if (restarted[0] != null) {
        restarted[0].destroy();
        if (!restarted[0].waitFor(20, TimeUnit.SECONDS)) {
          restarted[0].destroyForcibly();
        }
      }
      try {
        external.close();
      } finally {
        PodgateSession.deleteTree(base);
      }
    }
    assertThat(Faults.failures(r)).as("what the tests saw").isEmpty();
    assertThat(r.testEvents().succeeded().count()).isEqualTo(3);
    assertThat(restarted[0]).as("containerd was restarted").isNotNull();
    assertThat(PODS).hasSize(2);
    assertThat(left).as("pods left on the restarted runtime (%s made by the class)", PODS).isEmpty();
    HostState.assertClean(BRIDGE, subnet, List.of(
        new SessionProbe.Seen("external", base, firstPid, external.socket(), BRIDGE),
        new SessionProbe.Seen("restarted", base, restarted[0].pid(), external.socket(), BRIDGE)));
  }
}
