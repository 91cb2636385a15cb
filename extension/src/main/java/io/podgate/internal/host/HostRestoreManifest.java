package io.podgate.internal.host;

import io.podgate.PodgateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a component running outside podgate's own code (e.g. a local Kubernetes cluster) started and
 * changed on the host, appended line by line before (or right after) each change, so that
 * {@link HostRestore} can undo it when the owning JVM died. Backend-neutral: the session watchdog
 * acts on every file named {@value #FILE_NAME} under its session directory. Lines (one word each value):
 * <ul>
 *   <li>{@code owner <pid> <startMillis>}: the JVM that wrote it;
 *   <li>{@code helper <mainClass> <dir>}: run first, as a helper JVM on the cleaner's class path with {@code dir}
 *       as its one argument (e.g. deleting a session's namespaces on a cluster podgate did not start); given
 *       {@link HostRestore#HELPER_TIME} to end;
 *   <li>{@code lock <file>}: a host-wide lock held while the shared-host entries below are undone;
 *   <li>{@code process <pid> <startMillis> <name>}: ended (with its descendants), last written first;
 *   <li>{@code cri-sweep <socket> <labelKey>}: pod sandboxes carrying that label removed through CRI;
 *   <li>{@code unmount-under <dir>}: mounts strictly under dir;
 *   <li>{@code link <name>}: a host link podgate created;
 *   <li>{@code sysctl <key> <value>}: (shared) written back when it differs;
 *   <li>{@code created <path>}: (shared) a path that did not exist before, deleted;
 *   <li>{@code dir <path>}: deleted last.
 * </ul>
 * The shared entries are also kept in the host lock itself ({@link HostRestore#recordShared}), with a
 * {@code manifest <file>} line, so they outlive this file when its cleaner could not get the lock.
 */
public final class HostRestoreManifest {
  public static final String FILE_NAME = "host-restore.manifest";

  /** One manifest line. */
  public record Entry(String kind, List<String> values) {}

  private final Path file;

  private HostRestoreManifest(Path file) {
    this.file = file;
  }

  /** Creates the manifest {@value #FILE_NAME} in {@code dir}, owned by this JVM. */
  public static HostRestoreManifest create(Path dir) {
    HostRestoreManifest m = new HostRestoreManifest(dir.resolve(FILE_NAME));
    ProcessHandle self = ProcessHandle.current();
    m.add("owner", Long.toString(self.pid()), Long.toString(startMillis(self)));
    return m;
  }

  public static HostRestoreManifest at(Path file) {
    return new HostRestoreManifest(file);
  }

  public Path file() {
    return file;
  }

  /** The start time of {@code p} in ms since the epoch, 0 when unknown. */
  public static long startMillis(ProcessHandle p) {
    return p.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
  }

  /** Records a process to end; its start time guards against a reused PID. */
  public void process(Process p, String name) {
    add("process", Long.toString(p.pid()), Long.toString(startMillis(p.toHandle())), name);
  }

  /**
   * Appends one entry (synced to disk).
   *
   * @throws PodgateException when a value is empty or holds whitespace, or the file cannot be written
   */
  public synchronized void add(String kind, String... values) {
    for (String v : values) {
      if (v.isEmpty() || v.chars().anyMatch(Character::isWhitespace)) {
        throw new PodgateException("host-restore manifest value '" + v + "' for " + kind + " must be one non-empty word");
      }
    }
    try {
      Files.writeString(file, kind + " " + String.join(" ", values) + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
    } catch (IOException e) {
      throw new PodgateException("cannot record '" + kind + " " + String.join(" ", values) + "' in " + file + ": "
          + e.getMessage() + "; without it a crash could leave it behind", e);
    }
  }

  /** The entries in the order written; malformed lines are skipped. */
  public List<Entry> read() {
    try {
      return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return List.of();
    }
  }

  static List<Entry> parse(List<String> lines) {
    List<Entry> entries = new ArrayList<>();
    for (String line : lines) {
      String[] w = line.strip().split("\\s+");
      int want = switch (w[0]) {
        case "owner", "cri-sweep", "sysctl", "helper" -> 3;
        case "process" -> 4;
        case "lock", "unmount-under", "link", "created", "dir", "manifest" -> 2;
        default -> -1;
      };
      if (w.length == want) {
        entries.add(new Entry(w[0], List.of(w).subList(1, w.length)));
      }
    }
    return entries;
  }

  /** True while the JVM that wrote this manifest runs (same PID and start time). */
  public boolean ownerAlive() {
    for (Entry e : read()) {
      if (e.kind().equals("owner")) {
        try {
          return alive(Long.parseLong(e.values().get(0)), Long.parseLong(e.values().get(1)));
        } catch (NumberFormatException bad) {
          return false;
        }
      }
    }
    return false;
  }

  /** True when {@code pid} runs and started at {@code startMillis} (within 2 s; 0 = unknown). */
  static boolean alive(long pid, long startMillis) {
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(p -> startMillis == 0
        || p.info().startInstant().map(s -> Math.abs(s.toEpochMilli() - startMillis) < 2000).orElse(true))
        .orElse(false);
  }

  @Override
  public String toString() {
    return file.toString();
  }
}
