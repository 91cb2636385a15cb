package io.podgate.kubernetes.internal.cluster;

import io.podgate.PodgateException;
import io.podgate.internal.host.HostRestoreManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The local cluster's processes by component name (etcd, kube-apiserver, ..., kubelet-&lt;node&gt;): started
 * with their output in {@code <work dir>/logs/<name>.log} and recorded in the manifest, waited for, and
 * quoted from their logs when they fail.
 */
final class ClusterProcesses {
  private final LocalClusterOptions options;
  private final HostRestoreManifest manifest;
  private final Path logs;
  private final Map<String, Process> processes = new LinkedHashMap<>();
  private final Map<String, Long> startNanos = new LinkedHashMap<>();
  private final Map<String, Duration> startup = new LinkedHashMap<>();

  ClusterProcesses(LocalClusterOptions options, HostRestoreManifest manifest) {
    this.options = options;
    this.manifest = manifest;
    this.logs = options.workDir().resolve("logs");
  }

  void start(String name, List<String> command) {
    Path log = logs.resolve(name + ".log");
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
    } catch (IOException e) {
      throw new PodgateException(options + ": cannot start " + name + " (" + command.get(0) + "): " + e.getMessage(), e);
    }
    processes.put(name, p);
    startNanos.put(name, System.nanoTime());
    manifest.process(p, name);
  }

  /** Forgets the process of {@code name} and returns it, or null. */
  Process remove(String name) {
    return processes.remove(name);
  }

  /**
   * Polls {@code condition} until true; fails quoting the log of {@code component} when time ran out,
   * or of any process that died.
   */
  void await(String component, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + options.readyTimeout().toNanos();
    while (!condition.getAsBoolean()) {
      awaitOnce(component, what, deadline);
    }
    Long started = startNanos.get(component);
    if (started != null) {
      startup.put(what, Duration.ofNanos(System.nanoTime() - started));
    }
  }

  /** Fails quoting a log when a process died or the deadline passed, else sleeps a poll interval. */
  private void awaitOnce(String component, String what, long deadline) {
    for (Map.Entry<String, Process> e : processes.entrySet()) {
      if (!e.getValue().isAlive()) {
        throw new PodgateException(options + ": " + e.getKey() + " exited with status " + e.getValue().exitValue()
            + " while waiting for " + what + "; from its log " + logs.resolve(e.getKey() + ".log") + ":\n"
            + logExcerpt(e.getKey()));
      }
    }
    if (System.nanoTime() - deadline > 0) {
      throw new PodgateException(options + ": " + what + " not reached within " + options.readyTimeout().toSeconds()
          + " s; from " + logs.resolve(component + ".log") + ":\n" + logExcerpt(component));
    }
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PodgateException(options + ": interrupted while waiting for " + what, e);
    }
  }

  /** A log's fatal and panic lines (the reason a Go program died) with what follows them, else its last lines. */
  private String logExcerpt(String component) {
    List<String> all = logTail(component, 100_000).lines().toList();
    for (int i = 0; i < all.size(); i++) {
      String l = all.get(i);
      if (l.matches("F\\d{4} .*") || l.startsWith("panic:") || l.startsWith("fatal error:")) {
        int end = i + 1;
        while (end < all.size() && end < i + 12 && !(l.startsWith("F") && all.get(end).startsWith("goroutine "))) {
          end++; // klog's fatal dumps every goroutine: its reason is the F line alone
        }
        return String.join("\n", all.subList(i, end));
      }
    }
    return String.join("\n", all.subList(Math.max(0, all.size() - 25), all.size()));
  }

  /** The last {@code lines} lines of a component's log. */
  String logTail(String component, int lines) {
    try {
      List<String> all = Files.readAllLines(logs.resolve(component + ".log"), StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  Map<String, Long> pids() {
    Map<String, Long> out = new LinkedHashMap<>();
    processes.forEach((k, v) -> out.put(k, v.pid()));
    return out;
  }

  Map<String, Duration> startupTimes() {
    return Map.copyOf(startup);
  }
}
