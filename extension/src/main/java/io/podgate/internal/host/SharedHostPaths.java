package io.podgate.internal.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Host directories that containerd, runc, CNI and {@code ip netns} create at fixed places whatever a
 * runtime's own directories say: shim sockets under /run/containerd/s, runc's state under
 * /run/containerd/runc, the {@code k8s.io} cgroups, /run/netns (which {@code ip netns add} also
 * bind-mounts onto itself), CNI's result cache under /var/lib/cni, and /run/mount (util-linux's
 * mount and umount make it, for their lock).
 *
 * <p>A runtime (or a topology) {@link #join joins} before it makes anything: the paths absent then are
 * recorded as podgate's. The last one to {@link #leave} removes the recorded paths that are empty, so a
 * host that had none of them is left without them, and one that had them keeps them. The record and the
 * list of users are the content of a host lock file, {@value #RECORD_NAME} (deleted with the last user), so
 * runtimes of several JVMs share it. A user counts while its directory exists: one killed together with its
 * watchdog keeps the paths, as it keeps the rest of its leftovers.
 */
public final class SharedHostPaths {
  static final String RECORD_NAME = "/run/lock/podgate-shared-paths";
  private static final String MOUNT_LOCKS = "/run/mount";
  private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");
  private static final List<Path> FIXED = Stream.of("/run/containerd", "/run/containerd/s", "/run/containerd/runc",
      "/run/containerd/runc/k8s.io", "/run/netns", "/var/lib/cni", "/var/lib/cni/results", MOUNT_LOCKS).map(Path::of).toList();
  /** Joins and leaves of this JVM's runtimes take turns here: the file lock below would turn them away. */
  private static final Object IN_THIS_JVM = new Object();

  private final Path record;
  private final List<Path> paths;
  private final BooleanSupplier containerdRunning;

  SharedHostPaths(Path record, List<Path> paths, BooleanSupplier containerdRunning) {
    this.record = record;
    this.paths = paths;
    this.containerdRunning = containerdRunning;
  }

  /** The host's record and fixed paths; any containerd still running (podgate's or not) keeps them. */
  public static SharedHostPaths host() {
    return new SharedHostPaths(Path.of(RECORD_NAME), hostPaths(),
        () -> !HostProcesses.containerdDaemons(-1).isEmpty());
  }

  /** The fixed paths, parents before children: those of {@link #FIXED}, and {@code k8s.io} in every cgroup hierarchy. */
  static List<Path> hostPaths() {
    List<Path> all = new ArrayList<>(FIXED);
    all.add(CGROUP_ROOT.resolve("k8s.io")); // cgroup v2 alone
    try (Stream<Path> hierarchies = Files.list(CGROUP_ROOT)) {
      hierarchies.filter(Files::isDirectory).sorted().forEach(h -> all.add(h.resolve("k8s.io")));
    } catch (IOException e) {
      // no cgroup file system: nothing to record there
    }
    return all;
  }

  /**
   * Records {@code user} (a directory that exists while its runtime does) and which fixed paths are absent
   * now; call before the runtime starts anything.
   *
   * @throws io.podgate.PodgateException when the record cannot be locked within a minute or written
   */
  public void join(Path user) {
    synchronized (IN_THIS_JVM) {
      try (HostLock lock = HostLock.acquire(record, Duration.ofMinutes(1), message -> { })) {
        Record r = Record.parse(lock.content());
        for (Path p : paths) {
          if (!Files.exists(p)) {
            r.made.add(p.toString());
          }
        }
        r.users.add(user.toAbsolutePath().toString());
        lock.write(r.format());
      }
    }
  }

  /**
   * Drops {@code user} (and users whose directory is gone); when none is left and no containerd runs on
   * the host, removes the recorded paths that are empty (unmounting /run/netns's bind mount of itself first)
   * and the record. Paths that stay in use by others are dropped from the record: they are no longer podgate's.
   *
   * @param log told of each path removed
   * @return what went wrong (the record could not be read or written); empty when nothing
   */
  public List<String> leave(Path user, Consumer<String> log) {
    synchronized (IN_THIS_JVM) {
      if (!Files.exists(record)) {
        return List.of();
      }
      try (HostLock lock = HostLock.acquire(record, Duration.ofMinutes(1), message -> { })) {
        Record r = Record.parse(lock.content());
        r.users.remove(user.toAbsolutePath().toString());
        r.users.removeIf(u -> !Files.exists(Path.of(u)));
        if (!r.users.isEmpty() || containerdRunning.getAsBoolean()) {
          lock.write(r.format());
          return List.of();
        }
        List<String> made = new ArrayList<>(r.made);
        // children first; /run/mount last, since unmounting /run/netns makes it again
        made.sort(java.util.Comparator.comparing((String p) -> p.equals(MOUNT_LOCKS))
            .thenComparing(java.util.Comparator.comparingInt((String p) -> Path.of(p).getNameCount()).reversed()));
        for (String p : made) {
          if (removeIfEmpty(Path.of(p))) {
            log.accept("removed " + p + ", which podgate's runtimes had created");
          }
        }
        lock.delete();
        return List.of();
      } catch (RuntimeException e) {
        return List.of("shared host paths (" + record + "): " + e.getMessage());
      }
    }
  }

  /** The paths recorded as podgate's (for tests). */
  Set<String> recorded() {
    if (!Files.exists(record)) {
      return Set.of();
    }
    try {
      return Record.parse(Files.readString(record)).made;
    } catch (IOException e) {
      return Set.of();
    }
  }

  private static boolean removeIfEmpty(Path p) {
    if (!Files.isDirectory(p) || !emptyDirectory(p)) {
      return false;
    }
    if (mountedOnItself(p) && !HostCommand.run(List.of("umount", p.toString())).ok()) {
      return false;
    }
    try {
      Files.delete(p); // rmdir: on a cgroup, only when it holds no process and no child cgroup
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Empty, or a cgroup directory (its control files are not entries one can delete) without child cgroups. */
  private static boolean emptyDirectory(Path p) {
    boolean cgroup = p.startsWith(CGROUP_ROOT);
    try (Stream<Path> s = Files.list(p)) {
      return s.noneMatch(c -> !cgroup || Files.isDirectory(c, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean mountedOnItself(Path p) {
    try {
      for (String line : Files.readAllLines(Mounts.MOUNTINFO)) {
        String[] f = line.split(" ");
        if (f.length > 4 && Mounts.unescape(f[4]).equals(p.toString())) {
          return true;
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  /** Lines {@code made <path>} and {@code user <directory>}. */
  private static final class Record {
    final Set<String> made = new LinkedHashSet<>();
    final Set<String> users = new LinkedHashSet<>();

    static Record parse(String content) {
      Record r = new Record();
      for (String line : content.split("\n")) {
        if (line.startsWith("made ")) {
          r.made.add(line.substring(5));
        } else if (line.startsWith("user ")) {
          r.users.add(line.substring(5));
        }
      }
      return r;
    }

    String format() {
      StringBuilder b = new StringBuilder();
      made.forEach(p -> b.append("made ").append(p).append('\n'));
      users.forEach(u -> b.append("user ").append(u).append('\n'));
      return b.toString().strip();
    }
  }
}
