package io.podgate.kubernetes.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podgate.testsupport.ForkedJvm;
import io.podgate.testsupport.HostState;
import io.podgate.testsupport.SessionProbe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of a JVM running a local cluster with a Ready pod: within 30 s the session watchdog has
 * ended etcd, the control plane, the kubelet, the node containerd, its shims and itself, and the host
 * is as before (sysctls, kubelet paths, links, this run's ci/host-state lines, session directory).
 */
@Tag("containerd")
class LocalClusterKilledTest {
  @Test
  void killedJvmLeavesNoClusterBehind() throws Exception {
    ClusterTestHost.Snapshot before = ClusterTestHost.snapshot();
    Map<String, String> session = new HashMap<>();
    List<ProcessHandle> started;
    try (ForkedJvm fork = ForkedJvm.start(List.of(), KilledClusterFork.class, List.of())) {
      fork.awaitLine(l -> l.equals("READY"), Duration.ofSeconds(300));
      String line = fork.output().lines().filter(l -> l.startsWith("SESSION ")).findFirst().orElseThrow();
      for (String kv : line.substring(8).split(" ")) {
        session.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
      }
      started = fork.process().descendants().toList();
      fork.kill();
    }
    long killed = System.nanoTime();
    List<Long> clusterPids = Arrays.stream(session.get("pids").split(",")).map(Long::parseLong).toList();
    assertThat(clusterPids).as("etcd, apiserver, controller-manager, scheduler, kubelet").hasSize(5);
    List<String> ids = List.of(session.get("ids").split(","));
    long watchdog = Long.parseLong(session.get("watchdog"));
    SessionProbe.Seen seen = new SessionProbe.Seen("killed-cluster", Path.of(session.get("dir")),
        Long.parseLong(session.get("daemon")), Path.of(session.get("socket")), HostState.bridge());
    await("the watchdog undoing the killed JVM's cluster").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
          assertThat(clusterPids.stream().filter(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)))
              .as("cluster processes").isEmpty();
          assertThat(ProcessHandle.of(watchdog).filter(ProcessHandle::isAlive)).as("watchdog").isEmpty();
          assertThat(started.stream().filter(ProcessHandle::isAlive).map(p -> p.pid() + " " + p.info().commandLine().orElse("")))
              .as("processes the killed JVM had started").isEmpty();
          assertThat(HostState.leftovers(HostState.bridge(), HostState.subnet(), List.of(seen))).as("left behind").isEmpty();
        });
    System.out.println("cluster and session gone " + Duration.ofNanos(System.nanoTime() - killed).toMillis()
        + " ms after the kill");
    // under the host lock, which another run's cluster may hold for a while: hence after the 30 s
    assertThat(ClusterTestHost.differences(before, ClusterTestHost.snapshot(), ids)).as("host changes").isEmpty();
  }
}
