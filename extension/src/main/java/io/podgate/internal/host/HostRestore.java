package io.podgate.internal.host;

import io.podgate.internal.cri.CriClient;
import io.podgate.internal.cri.v1.PodSandbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Undoes what a {@link HostRestoreManifest} lists, in this order: runs its helpers, ends its processes (last started
 * first), removes the labelled pod sandboxes through CRI, unmounts, deletes links, then, holding the
 * manifest's host lock, writes back sysctls and deletes the paths it created, and last its
 * directories and the manifest. Every step is idempotent, so a second run (the owner's close racing
 * the watchdog) does no harm.
 */
public final class HostRestore {
  /** How deep under a session directory {@link #cleanUnder} looks for manifests. */
  public static final int SEARCH_DEPTH = 3;
  /** How long a manifest's {@code helper} may run before it is ended and reported. */
  public static final Duration HELPER_TIME = Duration.ofSeconds(25);

  private HostRestore() {}

  /**
   * Undoes {@code manifest}; returns what could not be undone (empty when all was).
   *
   * @param lockHeld true when the caller already holds the manifest's host lock (its owner closing it)
   * @param lockWait how long to wait for the host lock before leaving the shared entries
   */
  public static List<String> clean(HostRestoreManifest manifest, boolean lockHeld, Duration lockWait) {
    List<HostRestoreManifest.Entry> entries = manifest.read();
    List<String> problems = new ArrayList<>();
    for (List<String> h : values(entries, "helper")) {
      problems.addAll(runHelper(h.get(0), Path.of(h.get(1))));
    }
    List<List<String>> processes = new ArrayList<>(values(entries, "process"));
    Collections.reverse(processes);
    for (List<String> p : processes) {
      long pid = Long.parseLong(p.get(0));
      if (HostRestoreManifest.alive(pid, Long.parseLong(p.get(1))) && !HostProcesses.endTree(pid, Duration.ofSeconds(5))) {
        problems.add(p.get(2) + " pid " + pid + " did not end");
      }
    }
    for (List<String> s : values(entries, "cri-sweep")) {
      problems.addAll(sweep(Path.of(s.get(0)), s.get(1)));
    }
    for (List<String> d : values(entries, "unmount-under")) {
      problems.addAll(Mounts.unmountUnder(Path.of(d.get(0))));
    }
    for (List<String> l : values(entries, "link")) {
      if (HostNetwork.linkExists(l.get(0))) {
        problems.addAll(HostNetwork.deleteLink(l.get(0)));
      }
    }
    List<List<String>> sysctls = values(entries, "sysctl");
    List<List<String>> created = new ArrayList<>(values(entries, "created"));
    Collections.reverse(created);
    if (!sysctls.isEmpty() || !created.isEmpty()) {
      Optional<String> lockFile = values(entries, "lock").stream().map(v -> v.get(0)).findFirst();
      HostLock lock = null;
      if (lockFile.isPresent() && !lockHeld) {
        lock = awaitLock(Path.of(lockFile.get()), manifest, lockWait);
      }
      if (lockFile.isEmpty() || lockHeld || lock != null) {
        try {
          List<String> shared = restoreShared(sysctls, created);
          problems.addAll(shared);
          if (lock != null && shared.isEmpty() && lock.content().contains(manifest.file().toString())) {
            lock.delete();
          }
        } finally {
          if (lock != null) {
            lock.close();
          }
        }
      } else if (Files.exists(manifest.file())) {
        problems.add("the host lock " + lockFile.get() + " stayed held for " + lockWait.toSeconds()
            + " s: sysctls " + sysctls + " and paths " + created + " not restored");
      }
    }
    for (List<String> d : values(entries, "dir")) {
      Path dir = Path.of(d.get(0));
      problems.addAll(Mounts.unmountUnder(dir));
      if (Files.exists(dir) && !FileTrees.delete(dir)) {
        problems.add("could not delete all of " + dir);
      }
    }
    try {
      Files.deleteIfExists(manifest.file());
    } catch (IOException e) {
      problems.add("manifest " + manifest.file() + ": " + e.getMessage());
    }
    return problems;
  }

  /** Runs a manifest's helper to its end (at most {@link #HELPER_TIME}); its output goes to {@code helper.log} in dir. */
  private static List<String> runHelper(String mainClass, Path dir) {
    Path log = dir.resolve("helper.log");
    try {
      Process p = HelperJvm.launch("helper " + mainClass, mainClass, 96, List.of(dir.toString()), log);
      if (!p.waitFor(HELPER_TIME.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return List.of("helper " + mainClass + " " + dir + " did not end within " + HELPER_TIME.toSeconds() + " s (" + log + ")");
      }
      return p.exitValue() == 0 ? List.of() : List.of("helper " + mainClass + " " + dir + " exited " + p.exitValue() + " (" + log + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of("helper " + mainClass + " interrupted");
    } catch (RuntimeException e) {
      return List.of(e.getMessage());
    }
  }

  private static List<String> restoreShared(List<List<String>> sysctls, List<List<String>> created) {
    List<String> problems = new ArrayList<>();
    for (List<String> s : sysctls) {
      problems.addAll(writeSysctl(s.get(0), s.get(1)));
    }
    for (List<String> c : created) {
      Path p = Path.of(c.get(0));
      if (Files.exists(p) && !FileTrees.delete(p)) {
        problems.add("could not delete " + p);
      }
    }
    return problems;
  }

  /**
   * Copies the shared entries of {@code manifest} (owner, sysctls, created paths) into the held
   * {@code lock}: they stay there until undone, even when a cleaner without the lock deletes the manifest.
   */
  public static void recordShared(HostLock lock, HostRestoreManifest manifest) {
    StringBuilder text = new StringBuilder("manifest " + manifest.file() + "\n");
    for (HostRestoreManifest.Entry e : manifest.read()) {
      if (List.of("owner", "sysctl", "created").contains(e.kind())) {
        text.append(e.kind()).append(' ').append(String.join(" ", e.values())).append('\n');
      }
    }
    lock.write(text.toString().strip());
  }

  /**
   * Undoes what a previous holder of the held {@code lock} recorded there and did not undo (its JVM died,
   * or its cleaner could not get the lock): its manifest when still there and its owner gone, its
   * sysctls and created paths; then clears the record. Returns what could not be undone.
   */
  public static List<String> restorePreviousHolder(HostLock lock) {
    List<HostRestoreManifest.Entry> entries = HostRestoreManifest.parse(lock.content().lines().toList());
    if (entries.isEmpty()) {
      return List.of();
    }
    List<String> problems = new ArrayList<>();
    for (List<String> m : values(entries, "manifest")) {
      HostRestoreManifest stale = HostRestoreManifest.at(Path.of(m.get(0)));
      if (Files.exists(stale.file()) && !stale.ownerAlive()) {
        problems.addAll(clean(stale, true, Duration.ZERO));
      }
    }
    List<List<String>> created = new ArrayList<>(values(entries, "created"));
    Collections.reverse(created);
    problems.addAll(restoreShared(values(entries, "sysctl"), created));
    if (problems.isEmpty()) {
      lock.write("");
    }
    return problems;
  }

  /**
   * Cleans every manifest named {@value HostRestoreManifest#FILE_NAME} up to {@link #SEARCH_DEPTH}
   * levels under {@code dir} whose owner is gone; returns one line per manifest (what was done or left).
   */
  public static List<String> cleanUnder(Path dir, Duration lockWait) {
    List<String> report = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return report;
    }
    List<Path> found;
    try (Stream<Path> s = Files.find(dir, SEARCH_DEPTH,
        (p, a) -> a.isRegularFile() && p.getFileName().toString().equals(HostRestoreManifest.FILE_NAME))) {
      found = s.toList();
    } catch (IOException | RuntimeException e) {
      return List.of("cannot search " + dir + " for host-restore manifests: " + e.getMessage());
    }
    for (Path file : found) {
      HostRestoreManifest m = HostRestoreManifest.at(file);
      if (m.ownerAlive()) {
        continue;
      }
      List<String> problems = clean(m, false, lockWait);
      report.add(problems.isEmpty() ? "restored " + file : "restoring " + file + " left: " + problems);
    }
    return report;
  }

  private static HostLock awaitLock(Path file, HostRestoreManifest manifest, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() - deadline < 0) {
      Optional<HostLock> l = HostLock.tryAcquire(file);
      if (l.isPresent()) {
        return l.get();
      }
      if (!Files.exists(manifest.file())) {
        return null; // the next holder restored it
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return null;
  }

  /** Removes the pod sandboxes on {@code socket} that carry {@code labelKey}; returns what stayed. */
  public static List<String> sweep(Path socket, String labelKey) {
    if (!Files.exists(socket)) {
      return List.of();
    }
    List<String> problems = new ArrayList<>();
    try (CriClient cri = CriClient.connect(socket)) {
      CriClient c = cri.withDeadline(Duration.ofSeconds(20));
      for (PodSandbox pod : c.listPodSandbox()) {
        if (pod.containsLabels(labelKey)) {
          SandboxRemoval.Outcome o = SandboxRemoval.remove(c, pod.getId());
          if (!o.removed()) {
            problems.add("pod " + pod.getMetadata().getName() + " on " + socket + ": " + o.describe());
          }
        }
      }
    } catch (RuntimeException e) {
      problems.add("removing pods labelled " + labelKey + " on " + socket + " failed: " + e.getMessage());
    }
    return problems;
  }

  /** /proc/sys path of a dotted sysctl key. */
  public static Path sysctlPath(String key) {
    return Path.of("/proc/sys", key.replace('.', '/'));
  }

  /** The current value of a sysctl, stripped. */
  public static String readSysctl(String key) {
    // Files.readString sizes its buffer from st_size, which is 0 for /proc/sys: here it returned one byte
    // ("1" for kernel.panic = 10), so a restore compared and wrote back the wrong value
    try (var in = Files.newInputStream(sysctlPath(key))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new io.podgate.PodgateException("cannot read sysctl " + key + ": " + e.getMessage(), e);
    }
  }

  private static List<String> writeSysctl(String key, String value) {
    try {
      if (!readSysctl(key).equals(value)) {
        Files.writeString(sysctlPath(key), value, StandardCharsets.UTF_8);
      }
      return List.of();
    } catch (IOException | RuntimeException e) {
      return List.of("sysctl " + key + " not restored to " + value + ": " + e.getMessage());
    }
  }

  private static List<List<String>> values(List<HostRestoreManifest.Entry> entries, String kind) {
    return entries.stream().filter(e -> e.kind().equals(kind)).map(HostRestoreManifest.Entry::values).toList();
  }

  /** {@code clean <manifest>}: undoes a manifest by hand (its owner must be gone). */
  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: HostRestore <" + HostRestoreManifest.FILE_NAME + ">");
      System.exit(2);
    }
    HostRestoreManifest m = HostRestoreManifest.at(Path.of(args[0]));
    if (m.ownerAlive()) {
      System.err.println("the owner of " + m + " still runs; close it instead");
      System.exit(1);
    }
    List<String> problems = clean(m, false, Duration.ofSeconds(60));
    System.out.println(Instant.now() + (problems.isEmpty() ? " restored " + m : " left: " + problems));
    System.exit(problems.isEmpty() ? 0 : 1);
  }
}
