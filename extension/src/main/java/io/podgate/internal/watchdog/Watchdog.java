package io.podgate.internal.watchdog;

import io.podgate.PodgateException;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.cri.v1.PodSandbox;
import io.podgate.internal.cri.v1.PodSandboxFilter;
import io.podgate.internal.runtime.EmbeddedContainerd;
import io.podgate.internal.runtime.HostProcesses;
import io.podgate.internal.runtime.RuncLeftovers;
import io.podgate.internal.runtime.SandboxRemoval;
import io.podgate.internal.runtime.Ipv4Subnet;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Runs outside the test JVM (started detached with setsid) and polls the owner's PID every second.
 * When the owner is gone without having stopped it, it removes the session's pods through CRI and,
 * for an embedded containerd, stops the daemon by PID, ends its shims, deletes its bridge and
 * the session directory.
 */
public final class Watchdog {
  private static final String SESSION_LABEL = "io.podgate.session";

  /** What to watch and what to clean; {@code daemonPid} 0 means the runtime is not ours. */
  /** {@code bridge} and {@code podSubnet} are empty when the session uses a runtime it did not start. */
  public record Args(long ownerPid, long ownerStartMillis, Path socket, String sessionId, Path sessionDir,
      long daemonPid, String bridge, String podSubnet) {
    List<String> toList() {
      return List.of(Long.toString(ownerPid), Long.toString(ownerStartMillis), socket.toString(), sessionId,
          sessionDir.toString(), Long.toString(daemonPid), bridge.isEmpty() ? "-" : bridge,
          podSubnet.isEmpty() ? "-" : podSubnet);
    }

    static Args parse(String[] a) {
      return new Args(Long.parseLong(a[0]), Long.parseLong(a[1]), Path.of(a[2]), a[3], Path.of(a[4]),
          Long.parseLong(a[5]), a[6].equals("-") ? "" : a[6], a[7].equals("-") ? "" : a[7]);
    }
  }

  private Watchdog() {}

  /** Starts the watchdog as its own session leader; it outlives this JVM. */
  public static Process spawn(Args args) {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> cmd = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      cmd.add("/usr/bin/setsid");
    }
    cmd.addAll(List.of(java.toString(), "-Xmx48m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", classpath(), Watchdog.class.getName()));
    cmd.addAll(args.toList());
    try {
      Files.createDirectories(args.sessionDir());
      return new ProcessBuilder(cmd)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(args.sessionDir().resolve("watchdog.log").toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .start();
    } catch (IOException e) {
      throw new PodgateException("cannot start the podgate watchdog (" + String.join(" ", cmd.subList(0, 2)) + "): "
          + e.getMessage(), e);
    }
  }

  /** This JVM's class path, for the helper JVM. */
  public static String classpath() {
    return io.podgate.internal.runtime.JvmClasspath.current();
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
    if (Files.exists(args.socket())) {
      try (CriClient cri = CriClient.connect(args.socket())) {
        CriClient c = cri.withDeadline(Duration.ofSeconds(20));
        // a daemon the owner started is private to it: every pod on it is the owner's
        PodSandboxFilter filter = args.daemonPid() > 0 ? PodSandboxFilter.getDefaultInstance()
            : PodSandboxFilter.newBuilder().putLabelSelector(SESSION_LABEL, args.sessionId()).build();
        for (PodSandbox pod : c.listPodSandbox(filter)) {
          SandboxRemoval.Outcome o = SandboxRemoval.remove(c, pod.getId());
          log(o.removed() ? "removed pod " + pod.getMetadata().getName() + " " + pod.getId()
              : "removing pod " + pod.getMetadata().getName() + ": " + o.describe());
        }
      } catch (RuntimeException e) {
        log("CRI cleanup failed: " + e.getMessage());
      }
    }
    if (args.daemonPid() > 0) {
      endProcess(args.daemonPid());
      for (long shim : HostProcesses.shimsOf(args.socket())) {
        boolean ended = HostProcesses.endTree(shim, Duration.ofSeconds(3)); // with the containers below it
        log((ended ? "ended shim " : "shim did not end: ") + shim);
      }
      for (long pid : namingDirectory(args.sessionDir())) {
        endProcess(pid); // what the owner started with files in its directory (a host nginx, a registry)
      }
      RuncLeftovers.deleteUnder(args.sessionDir()).forEach(p -> log("could not delete " + p));
      unmountUnder(args.sessionDir());
      if (!args.bridge().isEmpty() && Files.exists(Path.of("/sys/class/net", args.bridge()))) {
        run("ip", "link", "del", args.bridge());
      }
      if (!args.podSubnet().isEmpty()) {
        try {
          EmbeddedContainerd.removeIptablesRules(Ipv4Subnet.parse(args.podSubnet()));
          log("removed iptables rules of " + args.podSubnet());
        } catch (RuntimeException e) {
          log("removing iptables rules of " + args.podSubnet() + " failed: " + e.getMessage());
        }
      }
      deleteTree(args.sessionDir());
    }
  }

  static void endProcess(long pid) {
    ProcessHandle.of(pid).ifPresent(p -> {
      p.destroy();
      try {
        p.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        p.destroyForcibly();
      }
      log("ended pid " + pid);
    });
  }

  /** Processes other than this one whose command line names a path under {@code dir}. */
  public static List<Long> namingDirectory(Path dir) {
    List<Long> out = new ArrayList<>();
    String prefix = dir.toString() + "/";
    long self = ProcessHandle.current().pid();
    ProcessHandle.allProcesses().forEach(p -> {
      if (p.pid() == self) {
        return;
      }
      try {
        String cmdline = Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline")).replace('\0', ' ');
        if (cmdline.contains(prefix)) {
          out.add(p.pid());
        }
      } catch (IOException | RuntimeException gone) {
        // exited meanwhile, or a kernel thread
      }
    });
    return out;
  }

  static void unmountUnder(Path dir) {
    try {
      List<String> points = new ArrayList<>();
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String[] f = line.split(" ");
        if (f.length > 4 && f[4].startsWith(dir + "/")) {
          points.add(f[4].replace("\\040", " "));
        }
      }
      points.sort(Comparator.comparingInt(String::length).reversed());
      for (String p : points) {
        run("umount", "-l", p);
      }
    } catch (IOException e) {
      log("reading mountinfo failed: " + e.getMessage());
    }
  }

  static void run(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      int rc = p.waitFor();
      log(String.join(" ", cmd) + " -> " + rc + (out.isBlank() ? "" : ": " + out.strip()));
    } catch (IOException e) {
      log(String.join(" ", cmd) + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void deleteTree(Path dir) {
    io.podgate.internal.runtime.FileTrees.delete(dir);
  }


  private static void log(String message) {
    System.out.println(Instant.now() + " podgate-watchdog: " + message);
    System.out.flush();
  }
}
