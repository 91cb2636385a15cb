package io.podgate.internal.watchdog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podgate.internal.pod.PodgateSession;
import io.podgate.internal.host.HostProcesses;
import io.podgate.testsupport.ForkedJvm;
import io.podgate.testsupport.RequiresContainerd;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** kill -9 of a JVM holding a pod: the watchdog removes the pod, daemon, shims, bridge, netns and directory. */
@RequiresContainerd
class KillTest {
  @Test
  void watchdogCleansUpAfterKillMinus9() throws Exception {
    assertThat(PodgateSession.active()).as("a session of this JVM would hold the same bridge").isFalse();
    Map<String, String> ready = new HashMap<>();
    ForkedJvm fork = ForkedJvm.start(List.of(), ForkedSession.class, List.of());
    try {
      String readyLine = fork.awaitLine(l -> l.startsWith("READY "), Duration.ofSeconds(180));
      for (String kv : readyLine.substring(6).split(" ")) {
        ready.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
      }
    } catch (Throwable t) {
      fork.close();
      throw t;
    }
    long daemon = Long.parseLong(ready.get("daemon"));
    long watchdog = Long.parseLong(ready.get("watchdog"));
    String socket = ready.get("socket");
    Path netns = Path.of(ready.get("netns"));
    Path dir = Path.of(ready.get("dir"));
    String bridge = ready.get("bridge");
    String ip = ready.get("ip");
    assertThat(ProcessHandle.of(daemon)).isPresent();
    assertThat(ProcessHandle.of(watchdog)).isPresent();
    assertThat(HostProcesses.shimsOf(Path.of(socket))).isNotEmpty();
    assertThat(netns).exists();
    assertThat(Path.of("/sys/class/net", bridge)).exists();
    assertThat(iptablesMentioning(ip)).isNotEmpty();

    fork.kill();

    await("session " + ready.get("session") + " cleaned up").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> {
          assertThat(ProcessHandle.of(daemon).filter(ProcessHandle::isAlive)).as("containerd pid %s", daemon).isEmpty();
          assertThat(HostProcesses.shimsOf(Path.of(socket))).as("shims").isEmpty();
          assertThat(netns).as("pod netns").doesNotExist();
          assertThat(Path.of("/sys/class/net", bridge)).as("bridge").doesNotExist();
          assertThat(dir).as("session directory").doesNotExist();
          assertThat(iptablesMentioning(ip)).as("iptables rules naming the pod IP").isEmpty();
          assertThat(ProcessHandle.of(watchdog).filter(ProcessHandle::isAlive)).as("watchdog").isEmpty();
        });
  }

  static List<String> iptablesMentioning(String ip) throws Exception {
    List<String> hits = new ArrayList<>();
    for (String table : List.of("nat", "filter")) {
      Process p = new ProcessBuilder("iptables-save", "-t", table).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      for (String l : out.split("\n")) {
        if (l.matches(".*[^0-9.]" + ip.replace(".", "\\.") + "(/32)?([^0-9].*|$)")) {
          hits.add(table + ": " + l);
        }
      }
    }
    return hits;
  }

  static boolean exists(Path p) {
    return Files.exists(p);
  }
}
