package io.podgate.internal.host;

import io.podgate.internal.cri.CriClient;
import io.podgate.internal.cri.v1.PodSandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Removes what a containerd started by podgate made when no JVM is there to close it (its owner was
 * killed, or it outlived its owner and sat idle): every pod on it through CRI while it answers, the
 * daemon by PID, its shims with their containers, processes naming its directory, runc state and
 * cgroups, mounts, CNI caches, its bridge, the iptables rules of its subnet, the directory, and the
 * shared host directories podgate made when no runtime is left (SharedHostPaths).
 */
public final class GoneDaemonCleanup {
  private GoneDaemonCleanup() {}

  /**
   * @param dir the directory holding everything the daemon wrote (deleted last)
   * @param bridge empty when podgate did not make it; {@code subnet} likewise
   * @param log receives one line per action or problem
   */
  public static void clean(Path socket, long daemonPid, Path dir, String bridge, String subnet, Consumer<String> log) {
    if (Files.exists(socket) && HostProcesses.alive(daemonPid)) {
      try (CriClient cri = CriClient.connect(socket)) {
        CriClient c = cri.withDeadline(Duration.ofSeconds(20));
        for (PodSandbox pod : c.listPodSandbox()) {
          SandboxRemoval.Outcome o = SandboxRemoval.remove(c, pod.getId());
          log.accept(o.removed() ? "removed pod " + pod.getMetadata().getName() + " " + pod.getId()
              : "removing pod " + pod.getMetadata().getName() + ": " + o.describe());
        }
      } catch (RuntimeException e) {
        log.accept("CRI cleanup failed: " + e.getMessage());
      }
    }
    endProcess(daemonPid, log);
    for (long shim : HostProcesses.shimsOf(socket)) {
      boolean ended = HostProcesses.endTree(shim, Duration.ofSeconds(3)); // with the containers below it
      log.accept((ended ? "ended shim " : "shim did not end: ") + shim);
    }
    for (long pid : HostProcesses.namingDirectory(dir)) {
      endProcess(pid, log); // what the owner started with files in its directory (a host nginx, a registry)
    }
    RuncLeftovers.deleteUnder(dir).forEach(p -> log.accept("could not delete " + p));
    Mounts.unmountUnder(dir).forEach(log);
    CniResults.deleteOfSandboxesUnder(dir).forEach(log);
    if (!bridge.isEmpty() && HostNetwork.linkExists(bridge)) {
      List<String> stayed = HostNetwork.deleteLink(bridge);
      stayed.forEach(log);
      if (stayed.isEmpty()) {
        log.accept("deleted bridge " + bridge);
      }
    }
    if (!subnet.isEmpty()) {
      try {
        IptablesCleanup.cleanAfterGoneDaemon(Ipv4Subnet.parse(subnet));
        log.accept("removed iptables rules of " + subnet);
      } catch (RuntimeException e) {
        log.accept("removing iptables rules of " + subnet + " failed: " + e.getMessage());
      }
    }
    if (!FileTrees.delete(dir)) {
      log.accept("could not delete all of " + dir);
    }
    SharedHostPaths.host().leave(dir, log).forEach(log);
  }

  /** SIGTERM, SIGKILL after 5 s. */
  public static void endProcess(long pid, Consumer<String> log) {
    ProcessHandle.of(pid).ifPresent(p -> {
      p.destroy();
      try {
        p.onExit().get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        p.destroyForcibly();
      }
      log.accept("ended pid " + pid);
    });
  }
}
