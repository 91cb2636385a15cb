package io.podgate.internal.runtime;

import io.podgate.PodgateException;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.cri.v1.PodSandbox;
import io.podgate.internal.host.CniResults;
import io.podgate.internal.host.FileTrees;
import io.podgate.internal.host.HostCommand;
import io.podgate.internal.host.HostProcesses;
import io.podgate.internal.host.IptablesCleanup;
import io.podgate.internal.host.Mounts;
import io.podgate.internal.host.NetworkNamespaces;
import io.podgate.internal.host.RuncLeftovers;
import io.podgate.internal.host.SandboxRemoval;
import io.podgate.internal.host.SharedHostPaths;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Removes everything one embedded containerd made, in order: its pods (through CRI), the daemon,
 * shims left running and the pod namespaces they held, CNI caches, runc state and cgroups, mounts
 * under its base directory, its bridge, the iptables rules of its subnet, the directory, and the shared
 * host directories podgate made when it is the last runtime (SharedHostPaths). Every
 * step runs even when an earlier one failed; the problems are collected.
 */
final class ContainerdTeardown {
  private final ContainerdOptions options;
  private final Path baseDir;
  private final Path socket;
  private final Process process;
  private final CriClient cri;
  private final List<String> problems = new ArrayList<>();
  private final List<Throwable> causes = new ArrayList<>();

  ContainerdTeardown(ContainerdOptions options, Path baseDir, Path socket, Process process, CriClient cri) {
    this.options = options;
    this.baseDir = baseDir;
    this.socket = socket;
    this.process = process;
    this.cri = cri;
  }

  /** Runs every step; what failed is kept for {@link #throwIfProblems()}. */
  void run() {
    if (process.isAlive()) {
      step("removing pods", this::removePods);
    }
    step("closing the CRI client", cri::close);
    step("stopping containerd (pid " + process.pid() + ")", this::stopDaemon);
    step("ending shims", this::endShims);
    step("deleting CNI result caches", () -> orThrow(CniResults.deleteOfSandboxesUnder(baseDir)));
    step("deleting runc state and cgroups", this::deleteRuncState);
    step("unmounting under " + baseDir, () -> orThrow(Mounts.unmountUnder(baseDir)));
    step("deleting bridge " + options.bridgeName(), this::deleteBridge);
    step("removing iptables rules for " + options.podSubnet(), this::cleanIptables);
    step("deleting " + baseDir, () -> {
      if (!FileTrees.delete(baseDir)) {
        throw new PodgateException("some files could not be deleted");
      }
    });
    step("removing the shared host directories podgate made", () -> orThrow(SharedHostPaths.host().leave(baseDir, m -> { })));
  }

  /** @throws PodgateException listing every step that failed, their exceptions suppressed in it */
  void throwIfProblems() {
    if (!problems.isEmpty()) {
      PodgateException e = new PodgateException("closing " + options + " left problems:\n  - "
          + String.join("\n  - ", problems));
      causes.forEach(e::addSuppressed);
      throw e;
    }
  }

  private void step(String what, Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      problems.add(what + ": " + e.getMessage());
      causes.add(e);
    }
  }

  private static void orThrow(List<String> stayed) {
    if (!stayed.isEmpty()) {
      throw new PodgateException(String.join("; ", stayed));
    }
  }

  private void removePods() {
    CriClient c = cri.withDeadline(Duration.ofSeconds(60));
    for (PodSandbox pod : c.listPodSandbox()) {
      // a sandbox the runtime will not remove is fine here once its host side is gone: the daemon stops next
      SandboxRemoval.Outcome o = SandboxRemoval.remove(c, pod.getId());
      if (!o.hostClean()) {
        problems.add("removing pod " + pod.getMetadata().getName() + ": " + o.describe());
      }
    }
  }

  private void stopDaemon() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(options.stopTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          throw new PodgateException("containerd pid " + process.pid() + " survived SIGKILL for 10 s");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new PodgateException("interrupted while stopping containerd pid " + process.pid(), e);
    }
  }

  /** Ends shims left running (pods CRI could not remove) and the pod network namespaces they held. */
  private void endShims() {
    orThrow(NetworkNamespaces.endShimsAndTheirPods(List.of(socket), options.netns().stream().toList()));
  }

  /** runc state and cgroups of containers whose rootfs lay under our base directory (left when their shim was killed). */
  private void deleteRuncState() {
    List<String> stayed = RuncLeftovers.deleteUnder(baseDir);
    if (!stayed.isEmpty()) {
      throw new PodgateException("could not delete " + String.join(", ", stayed));
    }
  }

  private void deleteBridge() {
    if (NetworkPreflight.bridgeExists(options)) {
      HostCommand.run(NetworkPreflight.ip(options, "link", "del", options.bridgeName())).orThrow("deleting the pod bridge");
    }
  }

  private void cleanIptables() {
    if (options.netns().isPresent()) {
      return; // CNI wrote its rules in that namespace; they go when its owner deletes it
    }
    boolean othersRunning = !HostProcesses.cniCapableContainerdDaemons(process.pid()).isEmpty();
    IptablesCleanup.clean(options.podSubnet(), !othersRunning);
    List<String> left = IptablesCleanup.leftovers(options.podSubnet());
    if (!left.isEmpty()) {
      throw new PodgateException("rules still name " + options.podSubnet() + ": " + left);
    }
  }
}
