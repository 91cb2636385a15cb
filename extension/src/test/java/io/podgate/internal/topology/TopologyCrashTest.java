package io.podgate.internal.topology;

import io.podgate.internal.host.JvmClasspath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podgate.internal.host.HostCommand;
import io.podgate.internal.host.HostProcesses;
import io.podgate.testsupport.RequiresContainerd;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A JVM killed with SIGKILL while its topology runs: the watcher outside it removes everything. */
@RequiresContainerd
class TopologyCrashTest {
  @Test
  void killingTheOwnerJvmLeavesNothingBehind() throws Exception {
    Path state = TopologyIntegrationTest.PRIVATE.resolve("crash-state");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process owner = new ProcessBuilder(java.toString(), "-cp", JvmClasspath.current(),
        TopologyCrashMain.class.getName(), state.toString(), "podgate.local/pause:1")
        .redirectErrorStream(true).start();
    String ready;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(owner.getInputStream(), StandardCharsets.UTF_8))) {
      StringBuilder seen = new StringBuilder();
      String line;
      ready = null;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("READY ")) {
          ready = line;
          break;
        }
        seen.append(line).append('\n');
      }
      assertThat(ready).as("the forked owner started its topology; its output:\n%s", seen).isNotNull();
      String[] f = ready.split(" ");
      Path dir = Path.of(f[1]);
      long daemon = Long.parseLong(f[2]);
      long watcher = Long.parseLong(f[3]);
      assertThat(Path.of("/var/run/netns/pgn-k4")).exists();
      assertThat(HostProcesses.alive(daemon)).isTrue();

      owner.destroyForcibly(); // SIGKILL: no shutdown hook runs
      owner.waitFor();

      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
        assertThat(HostProcesses.alive(daemon)).as("containerd %d", daemon).isFalse();
        assertThat(Path.of("/var/run/netns/pgn-k4")).doesNotExist();
        assertThat(Path.of("/sys/class/net/pgnk4")).doesNotExist();
        assertThat(Path.of("/sys/class/net/pgnswk")).doesNotExist();
        assertThat(HostCommand.run(List.of("ip", "-4", "route")).output()).doesNotContain("10.214.")
            .doesNotContain("198.18.5.");
        assertThat(dir).doesNotExist();
        assertThat(HostProcesses.alive(watcher)).as("watcher %d exits when done", watcher).isFalse();
      });
      assertThat(HostProcesses.containerdsConfiguredUnder(dir)).isEmpty();
    } finally {
      if (owner.isAlive()) {
        owner.destroyForcibly();
      }
    }
  }

  @Test
  void aStaleManifestIsCleanedAtTheNextStart() throws Exception {
    Path state = TopologyIntegrationTest.PRIVATE.resolve("stale-state");
    Path dir = Files.createDirectories(state.resolve("tstale"));
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    try (io.podgate.testsupport.SharedPathsUser shared = io.podgate.testsupport.SharedPathsUser.join()) {
      try {
      HostCommand.run(List.of("ip", "netns", "add", "pgn-stale")).orThrow("netns");
      HostCommand.run(List.of("ip", "link", "add", "pgnstale", "type", "bridge")).orThrow("link");
      Files.writeString(dir.resolve(TopologyManifest.FILE_NAME), String.join("\n",
          "owner " + gone.pid() + " 0", "dir " + dir, "netns pgn-stale", "link pgnstale", ""));
      assertThat(TopologyJanitor.cleanStale(state)).containsExactly(dir.resolve(TopologyManifest.FILE_NAME));
      assertThat(Path.of("/var/run/netns/pgn-stale")).doesNotExist();
      assertThat(Path.of("/sys/class/net/pgnstale")).doesNotExist();
      assertThat(dir).doesNotExist();
    } finally {
      HostCommand.run(List.of("ip", "netns", "delete", "pgn-stale"));
      HostCommand.run(List.of("ip", "link", "del", "pgnstale"));
      }
    }
  }
}
