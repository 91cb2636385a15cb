package io.podgate.kubernetes.internal.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podgate.ContainerState;
import io.podgate.CriContainer;
import io.podgate.ExecResult;
import io.podgate.HostPort;
import io.podgate.LogEntry;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.PodgateException;
import io.podgate.PortMapping;
import io.podgate.Wait;
import io.podgate.internal.backend.ExecFailure;
import io.podgate.testsupport.HostState;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The annotations on a real local cluster (the module's surefire sets podgate.backend = local-cluster): one
 * pod of three containers made through the API, reached by its IP and by a port-forward, exec, logs and status.
 */
@Tag("containerd")
@Podgate
class LocalClusterPodsTest {
  @PodSandbox(name = "web", ports = @PortMapping(containerPort = 80))
  @CriContainer(name = "nginx", image = "podgate:nginx", waitFor = @Wait(httpPath = "/", httpPort = 80))
  @CriContainer(name = "talker", image = "podgate:busybox",
      command = {"sh", "-c", "echo to-out; echo to-err >&2; exec sleep 3600"}, waitFor = @Wait(logRegex = "to-out"))
  @CriContainer(name = "quitter", image = "podgate:busybox",
      command = {"sh", "-c", "while [ ! -e /tmp/go ]; do sleep 0.2; done; exit 7"})
  static Pod pod;

  @HostPort(pod = "web", containerPort = 80)
  static int hostPort;

  @Test
  void thePodIsAKubernetesPodWithItsContainersAndItsIpAnswers() throws Exception {
    assertThat(pod.containers()).extracting(io.podgate.Container::name).containsExactly("nginx", "talker", "quitter");
    assertThat(pod.labels()).containsKey("io.podgate.session").containsEntry("io.podgate.test-class", "LocalClusterPodsTest")
        .containsEntry("io.podgate.pod", "web");
    assertThat(pod.id()).as("the pod's uid").matches("[0-9a-f-]{36}");
    assertThat(pod.logDirectory().toString()).startsWith("/var/log/pods/podgate-").endsWith("_" + pod.id());
    assertThat(HostState.subnet().contains(pod.ip())).as("pod IP %s in the node containerd's subnet", pod.ip()).isTrue();
    assertThat(fetch("http://" + pod.ip() + "/")).isEqualTo("podgate nginx ok\n");
  }

  @Test
  void theHostPortIsAPortForwardOnLoopback() throws Exception {
    assertThat(hostPort).isNotEqualTo(80).isPositive();
    assertThat(fetch("http://127.0.0.1:" + hostPort + "/")).isEqualTo("podgate nginx ok\n");
    assertThat(fetch("http://127.0.0.1:" + pod.hostPort(80) + "/")).isEqualTo("podgate nginx ok\n");
    assertThatThrownBy(() -> pod.hostPort(8080)).isInstanceOf(PodgateException.class)
        .hasMessageContaining("does not publish container port 8080/TCP").hasMessageContaining("80/TCP->127.0.0.1:" + hostPort);
  }

  @Test
  void execReturnsExitCodesAndOutput() {
    ExecResult three = pod.container("talker").exec("sh", "-c", "echo out; echo err >&2; exit 3");
    assertThat(three.exitCode()).isEqualTo(3);
    assertThat(three.stdout()).isEqualTo("out\n");
    assertThat(three.stderr()).isEqualTo("err\n");
    assertThat(pod.container("talker").exec("sh", "-c", "exit 0").exitCode()).isZero();
    assertThatThrownBy(() -> pod.container("talker").exec("no-such-binary"))
        .isInstanceOfSatisfying(ExecFailure.class, e -> assertThat(e.reason()).isEqualTo(ExecFailure.Reason.NO_SUCH_EXECUTABLE));
    assertThatThrownBy(() -> pod.container("talker").exec(Duration.ofSeconds(1), "sleep", "30"))
        .isInstanceOfSatisfying(ExecFailure.class, e -> assertThat(e.reason()).isEqualTo(ExecFailure.Reason.TIMED_OUT));
  }

  @Test
  void logsKeepTheirStreams() {
    // two pipes: the runtime may write stderr's line first
    assertThat(pod.container("talker").logEntries()).extracting(LogEntry::stream, LogEntry::text)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(LogEntry.Stream.STDOUT, "to-out"),
            org.assertj.core.groups.Tuple.tuple(LogEntry.Stream.STDERR, "to-err"));
    assertThat(pod.container("talker").logEntries().get(0).time()).isBefore(Instant.now());
    assertThat(pod.container("talker").logs().lines()).containsExactlyInAnyOrder("to-out", "to-err");
  }

  @Test
  void statusShowsRunningThenTheExitCode() throws Exception {
    assertThat(pod.container("nginx").status().state()).isEqualTo(ContainerState.State.RUNNING);
    assertThat(pod.container("quitter").exec("touch", "/tmp/go").exitCode()).isZero();
    ContainerState s = pod.container("quitter").status();
    for (int i = 0; i < 150 && s.state() != ContainerState.State.EXITED; i++) {
      Thread.sleep(200);
      s = pod.container("quitter").status();
    }
    assertThat(s.state()).isEqualTo(ContainerState.State.EXITED);
    assertThat(s.exitCode()).isEqualTo(7);
    assertThat(s.reason()).isEqualTo("Error");
  }

  static String fetch(String url) throws Exception {
    try (InputStream in = URI.create(url).toURL().openStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
