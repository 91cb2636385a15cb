package io.podgate.internal.watchdog;

import io.podgate.internal.cri.CriClient;
import io.podgate.internal.cri.v1.PodSandbox;
import io.podgate.internal.cri.v1.PodSandboxFilter;
import io.podgate.internal.host.FileTrees;
import io.podgate.internal.host.GoneDaemonCleanup;
import io.podgate.internal.host.HelperJvm;
import io.podgate.internal.host.HostRestore;
import io.podgate.internal.host.PodgateLabels;
import io.podgate.internal.host.SandboxRemoval;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Runs outside the test JVM (started detached with setsid) and polls the owner's PID every second.
 * When the owner is gone without having stopped it, it first undoes every
 * {@link io.podgate.internal.host.HostRestoreManifest} under the session directory (e.g. a local
 * Kubernetes cluster's processes and host changes), then removes the session's pods through CRI and,
 * for an embedded containerd, stops the daemon by PID, ends its shims, deletes its bridge and
 * the session directory.
 */
public final class Watchdog {
  /** What to watch and what to clean; {@code daemonPid} 0 means the runtime is not ours. */
  /**
   * {@code bridge} and {@code podSubnet} are empty when the session uses a runtime it did not start;
   * {@code socket} is null when the session has no CRI runtime (a cluster podgate did not start: its
   * manifest's helper does the cleaning).
   */
  public record Args(long ownerPid, long ownerStartMillis, Path socket, String sessionId, Path sessionDir,
      long daemonPid, String bridge, String podSubnet) {
    List<String> toList() {
      return List.of(Long.toString(ownerPid), Long.toString(ownerStartMillis), socket == null ? "-" : socket.toString(), sessionId,
          sessionDir.toString(), Long.toString(daemonPid), bridge.isEmpty() ? "-" : bridge,
          podSubnet.isEmpty() ? "-" : podSubnet);
    }

    static Args parse(String[] a) {
      return new Args(Long.parseLong(a[0]), Long.parseLong(a[1]), a[2].equals("-") ? null : Path.of(a[2]), a[3], Path.of(a[4]),
          Long.parseLong(a[5]), a[6].equals("-") ? "" : a[6], a[7].equals("-") ? "" : a[7]);
    }
  }

  private Watchdog() {}

  /** Starts the watchdog as its own session leader; it outlives this JVM. */
  public static Process spawn(Args args) {
    return HelperJvm.launch("the podgate watchdog", Watchdog.class, 48, args.toList(),
        args.sessionDir().resolve("watchdog.log"));
  }

  public static void main(String[] argv) throws Exception {
    Args args = Args.parse(argv);
    log("watching pid " + args.ownerPid() + " for session " + args.sessionId());
    while (ownerAlive(args)) {
      Thread.sleep(1000);
    }
    log("owner pid " + args.ownerPid() + " is gone; cleaning session " + args.sessionId());
    clean(args);
    log("done");
  }

  static boolean ownerAlive(Args args) {
    return ProcessHandle.of(args.ownerPid())
        .filter(ProcessHandle::isAlive)
        .map(p -> args.ownerStartMillis() == 0
            || p.info().startInstant().map(Instant::toEpochMilli).map(s -> Math.abs(s - args.ownerStartMillis()) < 2000)
                .orElse(true))
        .orElse(false);
  }

  static void clean(Args args) {
    // first what other components (a local Kubernetes cluster) recorded under the session directory:
    // their processes (a kubelet would recreate pods) and host changes
    HostRestore.cleanUnder(args.sessionDir(), Duration.ofSeconds(15)).forEach(Watchdog::log);
    if (args.daemonPid() > 0) {
      GoneDaemonCleanup.clean(args.socket(), args.daemonPid(), args.sessionDir(), args.bridge(), args.podSubnet(),
          Watchdog::log);
      return;
    }
    if (args.socket() != null && Files.exists(args.socket())) {
      try (CriClient cri = CriClient.connect(args.socket())) {
        CriClient c = cri.withDeadline(Duration.ofSeconds(20));
        PodSandboxFilter filter = PodSandboxFilter.newBuilder()
            .putLabelSelector(PodgateLabels.SESSION, args.sessionId()).build();
        for (PodSandbox pod : c.listPodSandbox(filter)) {
          SandboxRemoval.Outcome o = SandboxRemoval.remove(c, pod.getId());
          log(o.removed() ? "removed pod " + pod.getMetadata().getName() + " " + pod.getId()
              : "removing pod " + pod.getMetadata().getName() + ": " + o.describe());
        }
      } catch (RuntimeException e) {
        log("CRI cleanup failed: " + e.getMessage());
      }
    }
    // the runtime is not ours (an endpoint, or a reused containerd): only the session's own directory goes
    if (!FileTrees.delete(args.sessionDir())) {
      log("could not delete all of " + args.sessionDir());
    } else {
      FileTrees.deleteIfEmpty(args.sessionDir().getParent()); // the work directory, when it was the last session there
    }
  }

  private static void log(String message) {
    System.out.println(Instant.now() + " podgate-watchdog: " + message);
    System.out.flush();
  }
}
