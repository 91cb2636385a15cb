package io.podgate.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time used so far, read from /proc, in milliseconds, for the split of a run's CPU by who used it. Knows no
 * tool: the runtime daemons are found by process name. Read twice, the differences say what a stretch cost.
 *
 * <ul>
 *   <li>{@code machine}: every core's busy time (/proc/stat, all but idle and iowait);</li>
 *   <li>{@code jvm}: this process (user + system);</li>
 *   <li>{@code daemons}: running containerd and dockerd processes with the children they reaped (CNI plugins,
 *       iptables, the shims' start commands);</li>
 *   <li>{@code shims}: running containerd-shim processes with the children they reaped (runc);</li>
 *   <li>{@code orphans}: what processes reaped by pid 1 used (shims that ended, and what they left running).</li>
 * </ul>
 * Clock ticks are 10 ms on Linux ({@code USER_HZ} 100), so each figure is good to 10 ms per process.
 */
record CpuSnapshot(long machineMs, long jvmMs, long daemonsMs, long shimsMs, long orphansMs) {
  static final long MS_PER_TICK = 10;

  static CpuSnapshot take() {
    long daemons = 0;
    long shims = 0;
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString()
        .chars().allMatch(Character::isDigit))) {
      for (Path p : procs) {
        String comm = read(p.resolve("comm")).strip();
        if (comm.equals("containerd") || comm.equals("dockerd")) {
          daemons += ticks(read(p.resolve("stat")), true);
        } else if (comm.startsWith("containerd-shim")) {
          shims += ticks(read(p.resolve("stat")), true);
        }
      }
    } catch (IOException e) {
      // /proc not readable: the figures stay 0
    }
    String init = read(Path.of("/proc/1/stat"));
    long orphans = ticks(init, true) - ticks(init, false);
    return new CpuSnapshot(machineTicks() * MS_PER_TICK, ticks(read(Path.of("/proc/self/stat")), false) * MS_PER_TICK,
        daemons * MS_PER_TICK, shims * MS_PER_TICK, orphans * MS_PER_TICK);
  }

  /** The line's value: {@code machine=..;jvm=..;daemons=..;shims=..;orphans=..}. */
  String format() {
    return "machine=" + machineMs + ";jvm=" + jvmMs + ";daemons=" + daemonsMs + ";shims=" + shimsMs
        + ";orphans=" + orphansMs;
  }

  /** Reads {@link #format()} back; a missing key reads as 0. */
  static CpuSnapshot parse(String text) {
    Map<String, Long> kv = new LinkedHashMap<>();
    for (String pair : text.split(";")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        kv.put(pair.substring(0, eq).strip(), Long.parseLong(pair.substring(eq + 1).strip()));
      }
    }
    return new CpuSnapshot(kv.getOrDefault("machine", 0L), kv.getOrDefault("jvm", 0L), kv.getOrDefault("daemons", 0L),
        kv.getOrDefault("shims", 0L), kv.getOrDefault("orphans", 0L));
  }

  CpuSnapshot minus(CpuSnapshot before) {
    return new CpuSnapshot(machineMs - before.machineMs, jvmMs - before.jvmMs, daemonsMs - before.daemonsMs,
        shimsMs - before.shimsMs, orphansMs - before.orphansMs);
  }

  /** Busy ticks of all cores: the first line of /proc/stat without idle (4th value) and iowait (5th). */
  static long machineTicks() {
    String[] f = read(Path.of("/proc/stat")).lines().findFirst().orElse("cpu").trim().split("\\s+");
    long busy = 0;
    for (int i = 1; i < f.length && i <= 8; i++) {
      if (i != 4 && i != 5) {
        busy += Long.parseLong(f[i]);
      }
    }
    return busy;
  }

  /**
   * utime + stime of a /proc/PID/stat line, plus cutime + cstime (children waited for) when {@code withChildren};
   * 0 for an empty line (the process ended).
   */
  static long ticks(String stat, boolean withChildren) {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      return 0;
    }
    String[] f = stat.substring(close + 2).trim().split("\\s+"); // f[0] is field 3 (state)
    long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    return withChildren ? t + Long.parseLong(f[13]) + Long.parseLong(f[14]) : t;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return ""; // the process ended between listing and reading
    }
  }
}
