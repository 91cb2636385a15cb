package io.podgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podgate.internal.host.FileTrees;
import io.podgate.internal.host.HostProcesses;
import io.podgate.internal.host.Ipv4Subnet;
import io.podgate.testsupport.ForkedJvm;
import io.podgate.internal.watchdog.Watchdog;
import io.podgate.testsupport.HostState;
import io.podgate.testsupport.RequiresContainerd;
import io.podgate.testsupport.SessionProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the benchmark's JVM while its host nginx and pod nginx serve: its watchdog removes the
 * daemon with its pods, shims, bridge and rules, the host nginx, and the work directory.
 */
@RequiresContainerd
class BenchKilledTest {
  static final String BRIDGE = "pgbkill0";
  static final String SUBNET = "10.209.0.0/24";
  static final Path WORK = Path.of("/tmp/pg-bench-killed");
  static final Pattern RUN = Pattern.compile("run (\\S+), work dir (\\S+)");
  static final Pattern DAEMON = Pattern.compile("pid (\\d+) at (\\S+containerd\\.sock)");
  static final Pattern WATCHDOG = Pattern.compile("watchdog pid (\\d+)");

  @Test
  void watchdogCleansUpAfterTheBenchmarkJvmIsKilled() throws Exception {
    Files.createDirectories(WORK);
    String text;
    List<Long> fromWork;
    Path work;
    long watchdog;
    SessionProbe.Seen run;
    try (ForkedJvm fork = ForkedJvm.start(List.of("-Dpodgate.bridge=" + BRIDGE, "-Dpodgate.subnet=" + SUBNET),
        SeedBenchmark.class, List.of("--quick", "--work-dir", WORK.toString(), "--report-dir", WORK.resolve("report").toString()))) {
      fork.awaitLine(l -> l.startsWith("-- 4. HTTP"), Duration.ofSeconds(240));
      text = fork.output();
      work = Path.of(find(RUN, text, 2));
      run = new SessionProbe.Seen(find(RUN, text, 1), work, Long.parseLong(find(DAEMON, text, 1)),
          Path.of(find(DAEMON, text, 2)), BRIDGE);
      watchdog = Long.parseLong(find(WATCHDOG, text, 1));
      fromWork = HostProcesses.namingDirectory(work);
      assertThat(fromWork).as("processes started from the work directory (containerd, shims, host nginx, watchdog)")
          .hasSizeGreaterThan(3);
      assertThat(HostProcesses.shimsOf(run.socket())).isNotEmpty();
      assertThat(Path.of("/sys/class/net", BRIDGE)).exists();
      fork.kill();
    }

    HostState.assertClean(BRIDGE, Ipv4Subnet.parse(SUBNET), List.of(run));
    await("processes of the killed benchmark").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> {
          assertThat(fromWork.stream().filter(p -> ProcessHandle.of(p).filter(ProcessHandle::isAlive).isPresent()))
              .as("processes that named the work directory").isEmpty();
          assertThat(ProcessHandle.of(watchdog).filter(ProcessHandle::isAlive)).as("watchdog").isEmpty();
        });
    assertThat(work).as("work directory").doesNotExist();
    FileTrees.delete(WORK);
  }

  private static String find(Pattern p, String text, int group) {
    Matcher m = p.matcher(text);
    assertThat(m.find()).as("%s in the benchmark's output:%n%s", p, text).isTrue();
    return m.group(group);
  }
}
