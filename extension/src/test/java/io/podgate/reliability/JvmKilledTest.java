package io.podgate.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podgate.internal.pod.PodgateSession;
import io.podgate.testsupport.ForkedJvm;
import io.podgate.testsupport.HostState;
import io.podgate.testsupport.RequiresContainerd;
import io.podgate.testsupport.SessionProbe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kill -9 of the test JVM while a pod is being provisioned, while a measurement runs (an iperf3
 * client on the host, its server in the pod), while a pod is being torn down and while a sandbox started
 * ahead of its test waits unused (no container in it yet): within 30 s the
 * watchdog has removed daemon, shims, pods, netns, bridge, rules, session directory and itself, and
 * no process the JVM started is alive.
 */
@RequiresContainerd
class JvmKilledTest {
  @ParameterizedTest
  @ValueSource(strings = {"PROVISIONING", "MEASUREMENT", "TEARDOWN", "PREPARED"})
  void killedJvmLeavesNothing(String moment) throws Exception {
    assertThat(PodgateSession.active()).as("a session of this JVM would hold the same bridge").isFalse();
    Map<String, String> session = new HashMap<>();
    List<ProcessHandle> started;
    try (ForkedJvm fork = ForkedJvm.start(List.of(), KilledJvmFork.class, List.of(moment))) {
      fork.awaitLine(l -> l.equals("MOMENT"), Duration.ofSeconds(180));
      String line = fork.output().lines().filter(l -> l.startsWith("SESSION ")).findFirst()
          .orElseThrow(() -> new AssertionError("no SESSION line in:\n" + fork.output()));
      for (String kv : line.substring(8).split(" ")) {
        session.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
      }
      started = fork.process().descendants().toList();
      fork.kill();
    }
    long watchdog = Long.parseLong(session.get("watchdog"));
    SessionProbe.Seen seen = new SessionProbe.Seen(session.get("id"), Path.of(session.get("dir")),
        Long.parseLong(session.get("daemon")), Path.of(session.get("socket")), HostState.bridge());
    HostState.assertClean(HostState.bridge(), HostState.subnet(), List.of(seen));
    await("watchdog and processes the killed JVM started").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
          assertThat(ProcessHandle.of(watchdog).filter(ProcessHandle::isAlive)).as("watchdog").isEmpty();
          assertThat(started.stream().filter(ProcessHandle::isAlive).map(p -> p.pid() + " " + p.info().commandLine().orElse("")))
              .as("processes the killed JVM had started (at %s)", moment).isEmpty();
        });
  }
}
