package io.podgate.internal.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podgate.internal.watchdog.Watchdog;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the benchmark's JVM while its host nginx and pod nginx serve: its watchdog removes the
 * daemon with its pods, shims, bridge and rules, the host nginx, and the work directory.
 */
class BenchKilledTest {
  static final String BRIDGE = "pgbkill0";
  static final String SUBNET = "10.209.0.0/24";
  static final Path WORK = Path.of("/tmp/pg-bench-killed");
  static final Pattern WORK_DIR = Pattern.compile("work dir (\\S+)");
  static final Pattern DAEMON = Pattern.compile("pid (\\d+) at (\\S+containerd\\.sock)");
  static final Pattern WATCHDOG = Pattern.compile("watchdog pid (\\d+)");

  @Test
  void watchdogCleansUpAfterTheBenchmarkJvmIsKilled() throws Exception {
    Files.createDirectories(WORK);
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dpodgate.bridge=" + BRIDGE, "-Dpodgate.subnet=" + SUBNET, "-cp", Watchdog.classpath(),
        SeedBenchmark.class.getName(), "--quick", "--work-dir", WORK.toString(), "--report-dir",
        WORK.resolve("report").toString());
    Process fork = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    StringBuilder output = new StringBuilder();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(fork.getInputStream(), StandardCharsets.UTF_8));
      CompletableFuture<Boolean> serving = CompletableFuture.supplyAsync(() -> {
        try {
          for (String l; (l = out.readLine()) != null; ) {
            synchronized (output) {
              output.append(l).append('\n');
            }
            if (l.startsWith("-- 4. HTTP")) {
              return true;
            }
          }
        } catch (Exception e) {
          // the fork ended
        }
        return false;
      });
      assertThat(serving.get(240, TimeUnit.SECONDS)).as("the benchmark reached its HTTP section:%n%s", output).isTrue();
    } catch (Throwable t) {
      fork.destroyForcibly();
      throw t;
    }
    String text;
    synchronized (output) {
      text = output.toString();
    }
    Path work = Path.of(find(WORK_DIR, text, 1));
    long daemon = Long.parseLong(find(DAEMON, text, 1));
    Path socket = Path.of(find(DAEMON, text, 2));
    long watchdog = Long.parseLong(find(WATCHDOG, text, 1));
    List<Long> fromWork = namingDirectory(work);
    assertThat(fromWork).as("processes started from the work directory (containerd, shims, host nginx)").hasSizeGreaterThan(2);
    assertThat(Watchdog.shimsOf(socket)).isNotEmpty();
    assertThat(Path.of("/sys/class/net", BRIDGE)).exists();

    fork.destroyForcibly(); // SIGKILL
    assertThat(fork.waitFor(10, TimeUnit.SECONDS)).isTrue();

    await("benchmark run cleaned up").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> {
          assertThat(ProcessHandle.of(daemon).filter(ProcessHandle::isAlive)).as("containerd pid %s", daemon).isEmpty();
          assertThat(Watchdog.shimsOf(socket)).as("shims").isEmpty();
          assertThat(fromWork.stream().filter(p -> ProcessHandle.of(p).filter(ProcessHandle::isAlive).isPresent()))
              .as("processes that named the work directory").isEmpty();
          assertThat(Path.of("/sys/class/net", BRIDGE)).as("bridge").doesNotExist();
          assertThat(iptablesNaming("10.209.0.")).as("iptables rules of the pod subnet").isEmpty();
          assertThat(work).as("work directory").doesNotExist();
          assertThat(ProcessHandle.of(watchdog).filter(ProcessHandle::isAlive)).as("watchdog").isEmpty();
        });
    io.podgate.internal.runtime.FileTrees.delete(WORK);
  }

  private static String find(Pattern p, String text, int group) {
    Matcher m = p.matcher(text);
    assertThat(m.find()).as("%s in the benchmark's output:%n%s", p, text).isTrue();
    return m.group(group);
  }

  private static List<Long> namingDirectory(Path dir) {
    List<Long> out = new ArrayList<>();
    ProcessHandle.allProcesses().forEach(p -> {
      try {
        String cmdline = Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline")).replace('\0', ' ');
        if (cmdline.contains(dir + "/") && !cmdline.contains(Watchdog.class.getName())) {
          out.add(p.pid());
        }
      } catch (Exception gone) {
        // exited meanwhile
      }
    });
    return out;
  }

  private static List<String> iptablesNaming(String prefix) throws Exception {
    List<String> hits = new ArrayList<>();
    for (String table : List.of("nat", "filter")) {
      Process p = new ProcessBuilder("iptables-save", "-t", table).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      out.lines().filter(l -> l.contains(prefix)).forEach(l -> hits.add(table + ": " + l));
    }
    return hits;
  }
}
