package io.podgate.internal.watchdog;

import io.podgate.internal.cri.CriClient;
import io.podgate.internal.cri.v1.PodSandbox;
import io.podgate.internal.host.FileTrees;
import io.podgate.internal.host.HelperJvm;
import io.podgate.internal.host.HostProcesses;
import io.podgate.internal.host.PodgateLabels;
import io.podgate.internal.host.SandboxRemoval;
import io.podgate.internal.runtime.RemovalHandOff;
import io.podgate.internal.runtime.SharedContainerd;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a {@link SharedContainerd} (runs outside every test JVM, started detached): each second it
 * drops the client files of JVMs that are gone and removes their pods and session directories (it is
 * the watchdog of the JVMs on this runtime); it removes at once the pods JVMs hand to it
 * ({@link RemovalHandOff}), so their runs end without waiting; it relays the unary CRI calls of the JVMs
 * attached ({@link KeeperRelay}), so theirs need no warm gRPC transport of their own; once no JVM has been attached
 * for the idle timeout it stops the daemon and removes everything it made (pods, shims, bridge,
 * iptables rules of its subnet, the directory); if the daemon dies it removes its leftovers. One
 * keeper per directory: a second one exits at once.
 */
public final class RuntimeKeeper {
  private static final String KEEPER_LOCK = "keeper.lock";

  private RuntimeKeeper() {}

  /** Starts a keeper for {@code dir} unless one runs (a second would exit at once anyway). */
  public static void ensure(Path dir, Duration idle) {
    if (running(dir)) {
      return;
    }
    HelperJvm.launchLongLived("the podgate runtime keeper", RuntimeKeeper.class, 96,
        List.of(dir.toString(), Long.toString(idle.toMillis())), dir.resolve("keeper.log"));
  }

  /** Whether a keeper of {@code dir} runs now. */
  public static boolean running(Path dir) {
    try {
      long pid = Long.parseLong(Files.readString(dir.resolve("keeper.pid")).strip());
      return HostProcesses.alive(pid) && HostProcesses.cmdline(pid).map(a -> a.contains(RuntimeKeeper.class.getName()))
          .orElse(false);
    } catch (IOException | RuntimeException e) {
      return false; // none recorded
    }
  }

  /**
   * {@code <dir> <idleMillis>}: keeps the runtime of {@code dir}. {@code --stop <dir>}: stops it now
   * unless a JVM is attached (exit code 1 then), removing everything it made.
   */
  public static void main(String[] argv) throws Exception {
    if (argv[0].equals("--stop")) {
      Path dir = Path.of(argv[1]);
      boolean stopped = !Files.isDirectory(dir) || SharedContainerd.stopIfUnused(dir, RuntimeKeeper::log);
      System.exit(stopped ? 0 : 1);
    }
    Path dir = Path.of(argv[0]);
    Duration idle = Duration.ofMillis(Long.parseLong(argv[1]));
    try (FileChannel ch = FileChannel.open(dir.resolve(KEEPER_LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = ch.tryLock()) {
      if (lock == null) {
        return; // another keeper has it
      }
      Files.writeString(dir.resolve("keeper.pid"), Long.toString(ProcessHandle.current().pid()));
      // made once, here, beside keeper.pid: it says this keeper takes hand-offs (one of an older podgate does not)
      if (!Files.isDirectory(RemovalHandOff.directory(dir))) {
        Files.createDirectory(RemovalHandOff.directory(dir)); // never its parent: a runtime removed meanwhile stays gone
      }
      log("keeping " + dir + ", idle timeout " + idle);
      Thread handOffs = new Thread(() -> serveHandOffs(dir), "podgate-keeper-handoff");
      handOffs.setDaemon(true);
      handOffs.start();
      KeeperRelay relay = null;
      try {
        relay = KeeperRelay.start(dir, () -> SharedContainerd.readState(dir).map(SharedContainerd.State::socket).orElse(null),
            RuntimeKeeper::log);
      } catch (IOException | RuntimeException e) {
        log("no relay for the JVMs' calls (they call containerd themselves): " + e.getMessage());
      }
      try {
        keep(dir, idle);
      } finally {
        if (relay != null) {
          relay.close();
        }
      }
    }
  }

  private static void keep(Path dir, Duration idle) throws InterruptedException {
    Instant busy = Instant.now();
    List<Long> lastClients = List.of();
    while (true) {
      Thread.sleep(1000);
      Optional<SharedContainerd.State> state = SharedContainerd.readState(dir);
      if (state.isEmpty()) {
        if (!Files.isDirectory(dir) || SharedContainerd.readState(dir).isEmpty()) {
          log("no daemon recorded in " + dir + " any more; done");
          return;
        }
        continue;
      }
      if (!state.get().alive()) {
        log("containerd pid " + state.get().pid() + " is gone; removing what it left");
        if (SharedContainerd.removeIfDead(dir, state.get().pid(), RuntimeKeeper::log)) {
          return;
        }
        continue; // a JVM started a new daemon meanwhile: keep that one
      }
      List<Long> clients = SharedContainerd.liveClients(dir);
      boolean clientGone = !clients.containsAll(lastClients);
      lastClients = clients;
      // a JVM that died leaves its session directory, however short it lived: the sure sign to sweep
      List<Path> goneSessions = SharedContainerd.goneSessions(dir);
      if ((clientGone || !goneSessions.isEmpty()) && removePodsOfDeadOwners(state.get().socket())) {
        for (Path gone : goneSessions) {
          log(FileTrees.delete(gone) ? "removed the directory of gone session " + gone.getFileName()
              : "could not remove all of " + gone);
        }
      }
      if (!clients.isEmpty()) {
        busy = Instant.now();
        continue;
      }
      Instant lastBusy = busy;
      Instant since = SharedContainerd.lastDetach(dir).filter(t -> t.isAfter(lastBusy)).orElse(lastBusy);
      if (Duration.between(since, Instant.now()).compareTo(idle) >= 0) {
        log("no JVM attached for " + idle + "; stopping containerd pid " + state.get().pid());
        if (SharedContainerd.stopIfUnused(dir, RuntimeKeeper::log)) {
          log("done");
          return;
        }
        busy = Instant.now(); // a JVM attached meanwhile
      }
    }
  }

  /**
   * Removes the pods handed to this keeper as their requests come (watched, and looked at each second),
   * one at a time; records those the runtime refuses for the run to report.
   */
  static void serveHandOffs(Path dir) {
    Path requests = RemovalHandOff.directory(dir);
    WatchService watch = null;
    while (true) {
      try {
        if (watch == null && Files.isDirectory(requests)) {
          watch = requests.getFileSystem().newWatchService();
          requests.register(watch, StandardWatchEventKinds.ENTRY_CREATE); // a rename into it counts as one
        }
        List<RemovalHandOff.Request> pending = RemovalHandOff.pending(dir);
        Optional<SharedContainerd.State> state = SharedContainerd.readState(dir);
        if (!pending.isEmpty() && state.isPresent() && state.get().alive()) {
          removeHandedOff(dir, state.get().socket(), pending);
        }
        if (watch == null) {
          Thread.sleep(1000);
        } else {
          WatchKey key = watch.poll(1, TimeUnit.SECONDS);
          if (key != null) {
            key.pollEvents();
            if (!key.reset()) {
              watch.close();
              watch = null;
            }
          }
        }
      } catch (InterruptedException e) {
        return;
      } catch (IOException | RuntimeException e) {
        log("serving handed-off removals: " + e.getMessage());
        try {
          Thread.sleep(1000);
        } catch (InterruptedException stop) {
          return;
        }
      }
    }
  }

  private static void removeHandedOff(Path dir, Path socket, List<RemovalHandOff.Request> pending) {
    try (CriClient cri = CriClient.connect(socket)) {
      CriClient c = cri.withDeadline(Duration.ofSeconds(60));
      for (RemovalHandOff.Request r : pending) {
        SandboxRemoval.Outcome o = SandboxRemoval.remove(c, r.sandboxId());
        if (o.removed() || o.alreadyGone()) {
          RemovalHandOff.done(dir, r);
          log("removed pod " + r.pod() + " " + r.sandboxId() + " handed off by pid " + r.ownerPid());
        } else {
          RemovalHandOff.failed(dir, r, o.describe());
          log("removing pod " + r.pod() + " handed off by pid " + r.ownerPid() + ": " + o.describe());
        }
      }
    }
  }

  /** Pods whose owner JVM is gone (its session watchdog normally removed them already). */
  static boolean removePodsOfDeadOwners(Path socket) {
    try (CriClient cri = CriClient.connect(socket)) {
      CriClient c = cri.withDeadline(Duration.ofSeconds(20));
      for (PodSandbox pod : c.listPodSandbox()) {
        String owner = pod.getLabelsOrDefault(PodgateLabels.OWNER_PID, "");
        boolean alive;
        try {
          alive = !owner.isEmpty() && HostProcesses.alive(Long.parseLong(owner));
        } catch (NumberFormatException e) {
          alive = false;
        }
        if (!alive) {
          SandboxRemoval.Outcome o = SandboxRemoval.remove(c, pod.getId());
          log(o.removed() ? "removed pod " + pod.getMetadata().getName() + " of gone pid " + owner
              : "removing pod " + pod.getMetadata().getName() + ": " + o.describe());
        }
      }
      return true;
    } catch (RuntimeException e) {
      log("sweeping pods of gone JVMs failed: " + e.getMessage());
      return false;
    }
  }

  private static void log(String message) {
    System.out.println(Instant.now() + " podgate-runtime-keeper: " + message);
    System.out.flush();
  }
}
