package io.podgate.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podgate.internal.pod.PodgateSession;
import io.podgate.internal.watchdog.Watchdog;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kill -9 of the test JVM while a pod is being provisioned, while a measurement runs (an iperf3
 * client on the host, its server in the pod) and while a pod is being torn down: within 30 s the
 * watchdog has removed daemon, shims, pods, netns, bridge, rules, session directory and itself, and
 * no process the JVM started is alive.
 */
class JvmKilledTest {
  @ParameterizedTest
  @ValueSource(strings = {"PROVISIONING", "MEASUREMENT", "TEARDOWN"})
  void killedJvmLeavesNothing(String moment) throws Exception {
    assertThat(PodgateSession.active()).as("a session of this JVM would hold the same bridge").isFalse();
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", Watchdog.classpath()));
    for (String p : List.of("podgate.bridge", "podgate.subnet", "podgate.workdir", "podgate.imageCache")) {
      if (System.getProperty(p) != null) {
        cmd.add("-D" + p + "=" + System.getProperty(p));
      }
    }
    cmd.add(KilledJvmFork.class.getName());
    cmd.add(moment);
    Process fork = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    StringBuilder output = new StringBuilder();
    Map<String, String> session = new HashMap<>();
    List<ProcessHandle> started;
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(fork.getInputStream(), StandardCharsets.UTF_8));
      CompletableFuture<Boolean> reached = CompletableFuture.supplyAsync(() -> {
        try {
          for (String l; (l = out.readLine()) != null; ) {
            synchronized (output) {
              output.append(l).append('\n');
            }
            if (l.startsWith("SESSION ")) {
              for (String kv : l.substring(8).split(" ")) {
                session.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
              }
            }
            if (l.equals("MOMENT")) {
              return true;
            }
          }
          return false;
        } catch (Exception e) {
          return false;
        }
      });
      assertThat(reached.get(180, TimeUnit.SECONDS)).as("forked JVM output:\n%s", output).isTrue();
      started = fork.descendants().toList();
      fork.destroyForcibly(); // SIGKILL
      assertThat(fork.waitFor(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture.runAsync(() -> {
        try {
          out.transferTo(java.io.Writer.nullWriter());
        } catch (Exception ignored) {
          // the pipe closes with the JVM
        }
      });
    } finally {
      fork.destroyForcibly();
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
