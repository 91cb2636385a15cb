package io.podgate.internal.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Finds processes by their command line under /proc and ends them by PID. */
public final class HostProcesses {
  private HostProcesses() {}

  /** Command line of {@code pid}, or empty when it is gone or unreadable. */
  public static Optional<List<String>> cmdline(long pid) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      if (raw.length == 0) {
        return Optional.empty();
      }
      String s = new String(raw, StandardCharsets.UTF_8);
      if (s.endsWith("\0")) {
        s = s.substring(0, s.length() - 1);
      }
      return Optional.of(Arrays.asList(s.split("\0", -1)));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  public static List<Long> allPids() {
    List<Long> pids = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc"))) {
      for (Path p : dir) {
        String name = p.getFileName().toString();
        if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
          pids.add(Long.parseLong(name));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc: " + e.getMessage(), e);
    }
    return pids;
  }

  /** containerd shims started by the daemon whose socket is {@code socket} (their -address argument). */
  public static List<Long> shimsOf(Path socket) {
    String address = socket.toString();
    List<Long> shims = new ArrayList<>();
    for (long pid : allPids()) {
      cmdline(pid).ifPresent(args -> {
        if (!args.isEmpty() && baseName(args.get(0)).startsWith("containerd-shim")) {
          int i = args.indexOf("-address");
          if (i >= 0 && i + 1 < args.size() && args.get(i + 1).equals(address)) {
            shims.add(pid);
          }
        }
      });
    }
    return shims;
  }

  /**
   * Like {@link #containerdDaemons}, without Docker's own containerd (started by dockerd, CRI
   * disabled; its config under {@code <exec-root>/containerd/}, e.g. /var/run/docker/containerd/):
   * those never run CNI, so they cannot use portmap's shared chains.
   */
  public static List<Long> cniCapableContainerdDaemons(long exceptPid) {
    List<Long> daemons = new ArrayList<>();
    for (long pid : containerdDaemons(exceptPid)) {
      List<String> args = cmdline(pid).orElse(List.of());
      boolean dockers = args.stream().anyMatch(a -> a.contains("/docker/containerd/"))
          || parent(pid).flatMap(HostProcesses::cmdline)
              .map(p -> !p.isEmpty() && baseName(p.get(0)).equals("dockerd")).orElse(false);
      if (!dockers) {
        daemons.add(pid);
      }
    }
    return daemons;
  }

  /** The parent of {@code pid}, from /proc/<pid>/stat; empty when it is gone. */
  static Optional<Long> parent(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Optional.of(Long.parseLong(after[1]));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** PIDs of running containerd daemons (not shims), other than {@code exceptPid}. */
  public static List<Long> containerdDaemons(long exceptPid) {
    List<Long> daemons = new ArrayList<>();
    for (long pid : allPids()) {
      if (pid == exceptPid) {
        continue;
      }
      cmdline(pid).ifPresent(args -> {
        if (!args.isEmpty() && baseName(args.get(0)).equals("containerd")) {
          daemons.add(pid);
        }
      });
    }
    return daemons;
  }

  /** True while {@code pid} exists and is not a zombie (an exited process its parent has not reaped yet). */
  public static boolean alive(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      int close = stat.lastIndexOf(')');
      char state = close >= 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
      return state != 'Z' && state != 'X';
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Ends {@code pid} and everything below it: SIGKILL to its descendants, SIGTERM to it, SIGKILL
   * after {@code grace}. Returns false when it is still alive afterwards.
   */
  public static boolean endTree(long pid, Duration grace) {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty()) {
      return true;
    }
    List<ProcessHandle> below = handle.get().descendants().toList();
    handle.get().destroy();
    for (ProcessHandle child : below) {
      child.destroyForcibly();
    }
    if (!waitGone(handle.get(), grace)) {
      handle.get().destroyForcibly();
      return waitGone(handle.get(), Duration.ofSeconds(5));
    }
    return true;
  }

  /** Waits until {@code h} has exited (a zombie counts as exited). */
  static boolean waitGone(ProcessHandle h, Duration d) {
    long deadline = System.nanoTime() + d.toNanos();
    while (alive(h.pid())) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return !alive(h.pid());
      }
    }
    return true;
  }

  /** Processes other than this one whose command line names a path under {@code dir}. */
  public static List<Long> namingDirectory(Path dir) {
    String prefix = dir + "/";
    long self = ProcessHandle.current().pid();
    List<Long> out = new ArrayList<>();
    for (long pid : allPids()) {
      if (pid != self && cmdline(pid).map(args -> String.join(" ", args).contains(prefix)).orElse(false)) {
        out.add(pid);
      }
    }
    return out;
  }

  /** containerd daemons whose {@code --config} file lies under {@code dir}. */
  public static List<Long> containerdsConfiguredUnder(Path dir) {
    List<Long> found = new ArrayList<>();
    String prefix = dir.toAbsolutePath() + "/";
    for (long pid : allPids()) {
      cmdline(pid).ifPresent(args -> {
        int i = args.indexOf("--config");
        if (!args.isEmpty() && args.get(0).endsWith("containerd") && i >= 0 && i + 1 < args.size()
            && args.get(i + 1).startsWith(prefix)) {
          found.add(pid);
        }
      });
    }
    return found;
  }

  private static String baseName(String path) {
    int i = path.lastIndexOf('/');
    return i < 0 ? path : path.substring(i + 1);
  }
}
