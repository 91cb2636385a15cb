package io.podgate.reliability;

import io.podgate.internal.runtime.ContainerdOptions;
import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.measure.ChurnOptions;
import io.podgate.measure.ChurnResult;
import io.podgate.CriContainer;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.internal.cri.v1.ContainerFilter;
import io.podgate.internal.image.StandardImages;
import io.podgate.internal.measure.churn.ChurnEngine;
import io.podgate.internal.runtime.EmbeddedContainerd;
import io.podgate.internal.host.HostProcesses;
import io.podgate.internal.host.Ipv4Subnet;
import io.podgate.testsupport.Faults;
import io.podgate.testsupport.FixtureOnly;
import io.podgate.testsupport.HostState;
import io.podgate.testsupport.RequiresContainerd;
import io.podgate.testsupport.SessionProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * Load: 30 pods made by a parallel JUnit run, and container churn on one daemon whose RSS and open
 * file descriptors must come back near where they were. The churn count is the system property
 * {@value #CHURN_CYCLES_PROPERTY} (default {@value #DEFAULT_CHURN_CYCLES} in CI; ci/bench-like full
 * runs pass 1000).
 */
@RequiresContainerd
class LoadTest {
  static final String CHURN_CYCLES_PROPERTY = "podgate.reliability.churnCycles";
  static final long DEFAULT_CHURN_CYCLES = 100;
  static final int PODS = 30;
  static final Set<String> IPS = ConcurrentHashMap.newKeySet();

  @ExtendWith({FixtureOnly.class, SessionProbe.class})
  @Podgate
  static class ThirtyPods {
    @RepeatedTest(PODS)
    void onePodEach(@PodSandbox @CriContainer(name = "c", image = "podgate:busybox", command = {"sleep", "3600"}) Pod pod) {
      assertThat(pod.container("c").exec("true").exitCode()).isZero();
      IPS.add(pod.ip());
    }
  }

  @Test
  void thirtyPodsInParallelNoFailuresNoLeaks() {
    IPS.clear();
    EngineExecutionResults r = Faults.run(Map.of(
        "junit.jupiter.execution.parallel.enabled", "true",
        "junit.jupiter.execution.parallel.mode.default", "concurrent",
        "junit.jupiter.execution.parallel.config.strategy", "fixed",
        "junit.jupiter.execution.parallel.config.fixed.parallelism", "5"), ThirtyPods.class);
    assertThat(Faults.failures(r)).isEmpty();
    assertThat(r.testEvents().succeeded().count()).isEqualTo(PODS);
    assertThat(IPS).as("distinct pod IPs").hasSize(PODS);
    HostState.assertClean();
  }

  record Usage(long rssKib, int fds) {}

  static Usage usage(long pid) throws IOException {
    long rss = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
        .filter(l -> l.startsWith("VmRSS:")).map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElseThrow();
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      return new Usage(rss, (int) fds.count());
    }
  }

  @Test
  void churnLeavesDaemonRssAndFdsNearTheirLevel() throws Exception {
    long cycles = Long.getLong(CHURN_CYCLES_PROPERTY, DEFAULT_CHURN_CYCLES);
    Ipv4Subnet subnet = Ipv4Subnet.parse("10.208.4.0/24");
    Path base = Files.createDirectories(Path.of(System.getProperty("podgate.workdir", "/tmp/podgate-test"), "reliab-load")).resolve("churn");
    Path socket;
    try (EmbeddedContainerd d = EmbeddedContainerd.start(ContainerdOptions.builder().name("rel-churn")
        .bridgeName("pgrel4").podSubnet(subnet.toString()).baseDir(base)
        .sandboxImage(StandardImages.PAUSE_REFERENCE).build())) {
      socket = d.socket();
      ChurnEngine.ensureStandardImage(d.cri(), StandardImages.PAUSE_REFERENCE);
      ChurnEngine engine = new ChurnEngine(d.cri());
      ChurnResult warm = engine.run(ChurnOptions.builder().workers(2).cycles(20).command("/bin/true").build());
      assertThat(warm.failureMessages()).isEmpty();
      Thread.sleep(5_000);
      Usage before = usage(d.pid());

      ChurnResult r = engine.run(ChurnOptions.builder().workers(2).cycles(cycles).command("/bin/true").build());
      System.out.println(r.summary());
      assertThat(r.failureMessages()).isEmpty();
      assertThat(r.cycles()).isEqualTo(cycles);
      assertThat(d.cri().listContainers(ContainerFilter.getDefaultInstance())).as("containers after churn").isEmpty();

      Thread.sleep(10_000); // settle: shims exit, Go's GC runs
      Usage after = usage(d.pid());
      System.out.printf("containerd pid %d: RSS %d -> %d KiB, fds %d -> %d over %d cycles%n", d.pid(), before.rssKib(),
          after.rssKib(), before.fds(), after.fds(), cycles);
      // Tolerance: fds may differ by a few (gRPC connections, log files); RSS by the Go heap's slack,
      // at most half again or 32 MiB, whichever is larger. A leak per cycle exceeds both over 100+ cycles.
      assertThat(after.fds()).as("open fds of containerd").isLessThanOrEqualTo(before.fds() + 10);
      assertThat(after.rssKib()).as("VmRSS KiB of containerd")
          .isLessThanOrEqualTo(Math.max(before.rssKib() * 3 / 2, before.rssKib() + 32 * 1024));
    }
    assertThat(HostProcesses.shimsOf(socket)).isEmpty();
    assertThat(HostState.leftovers("pgrel4", subnet, List.of())).isEmpty();
    assertThat(base).doesNotExist();
    Files.delete(base.getParent());
  }
}
