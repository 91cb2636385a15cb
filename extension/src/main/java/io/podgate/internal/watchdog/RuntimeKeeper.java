package io.podgate.internal.watchdog;

import io.podgate.internal.cri.CriClient;
import io.podgate.internal.cri.v1.PodSandbox;
import io.podgate.internal.host.HelperJvm;
import io.podgate.internal.host.HostProcesses;
import io.podgate.internal.host.PodgateLabels;
import io.podgate.internal.host.SandboxRemoval;
import io.podgate.internal.runtime.SharedContainerd;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Keeps a {@link SharedContainerd} (runs outside every test JVM, started detached): each second it
 * drops the client files of JVMs that are gone and removes their pods; once no JVM has been attached
 * for the idle timeout it stops the daemon and removes everything it made (pods, shims, bridge,
 * iptables rules of its subnet, the directory); if the daemon dies it removes its leftovers. One
 * keeper per directory: a second one exits at once.
 */
public final class RuntimeKeeper {
  private static final String KEEPER_LOCK = "keeper.lock";

  private RuntimeKeeper() {}

  /** Starts a keeper for {@code dir} unless one runs (a second would exit at once anyway). */
  public static void ensure(Path dir, Duration idle) {
    Path pidFile = dir.resolve("keeper.pid");
    try {
      long pid = Long.parseLong(Files.readString(pidFile).strip());
      if (HostProcesses.alive(pid) && HostProcesses.cmdline(pid).map(a -> a.contains(RuntimeKeeper.class.getName()))
          .orElse(false)) {
        return;
      }
    } catch (IOException | RuntimeException e) {
      // none recorded
    }
    HelperJvm.launch("the podgate runtime keeper", RuntimeKeeper.class, 32,
        List.of(dir.toString(), Long.toString(idle.toMillis())), dir.resolve("keeper.log"));
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
      log("keeping " + dir + ", idle timeout " + idle);
      keep(dir, idle);
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
      if (!lastClients.containsAll(clients) || !clients.containsAll(lastClients)) {
        if (!clients.containsAll(lastClients)) {
          removePodsOfDeadOwners(state.get().socket());
        }
        lastClients = clients;
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

  /** Pods whose owner JVM is gone (its session watchdog normally removed them already). */
  static void removePodsOfDeadOwners(Path socket) {
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
    } catch (RuntimeException e) {
      log("sweeping pods of gone JVMs failed: " + e.getMessage());
    }
  }

  private static void log(String message) {
    System.out.println(Instant.now() + " podgate-runtime-keeper: " + message);
    System.out.flush();
  }
}
