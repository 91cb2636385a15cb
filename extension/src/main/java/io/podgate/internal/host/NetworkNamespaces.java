package io.podgate.internal.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Named network namespaces (the files {@code ip netns} and CNI keep under /var/run/netns): finding
 * them by inode and deleting them, with the veth pairs inside them.
 */
public final class NetworkNamespaces {
  /** Where named network namespaces live. */
  public static final Path DIR = Path.of("/var/run/netns");

  private NetworkNamespaces() {}

  /** The file of the named network namespace {@code name}. */
  public static Path path(String name) {
    return DIR.resolve(name);
  }

  public static boolean exists(String name) {
    return Files.exists(path(name));
  }

  /** Deletes the named namespace {@code name} if it exists; returns what stayed (empty when it is gone). */
  public static List<String> delete(String name) {
    return exists(name) ? delete(path(name)) : List.of();
  }

  /**
   * Deletes one named network namespace file under {@link #DIR}; returns what stayed. Its veths are deleted
   * first: the kernel destroys a namespace's devices asynchronously, so without this the host end of a
   * pod's veth can outlive the call by a while.
   */
  public static List<String> delete(Path netns) {
    if (!netns.startsWith(DIR)) {
      return List.of("network namespace " + netns + " is not under " + DIR + "; left alone");
    }
    deleteVeths(netns.getFileName().toString());
    HostCommand.Result r = HostCommand.run(List.of("ip", "netns", "delete", netns.getFileName().toString()));
    if (!r.ok() && Files.exists(netns)) {
      return List.of("network namespace " + netns + ": " + r.output().strip());
    }
    return List.of();
  }

  /** Deletes each veth inside the named namespace; a veth's peer goes with it at once. Best effort. */
  private static void deleteVeths(String name) {
    HostCommand.Result links = HostCommand.run(List.of("ip", "-n", name, "-o", "link", "show", "type", "veth"));
    if (!links.ok()) {
      return;
    }
    for (String line : links.output().split("\n")) {
      String[] fields = line.split(": ", 3);
      if (fields.length >= 2) {
        String device = fields[1].split("@", 2)[0].strip();
        if (!device.isEmpty()) {
          HostCommand.run(List.of("ip", "-n", name, "link", "delete", device));
        }
      }
    }
  }

  private static Optional<Object> device(Path file) {
    try {
      return Optional.ofNullable(Files.getAttribute(file, "unix:dev"));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The inode of a network namespace file or /proc link, as {@link #deleteByInode} takes it. */
  public static Optional<Object> inode(Path nsLink) {
    try {
      return Optional.ofNullable(Files.getAttribute(nsLink, "unix:ino"));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Deletes the named network namespaces under {@link #DIR} whose inode is in {@code inodes}; returns what stayed. */
  public static List<String> deleteByInode(Set<Object> inodes) {
    List<String> problems = new ArrayList<>();
    if (inodes.isEmpty() || !Files.isDirectory(DIR)) {
      return problems;
    }
    try (Stream<Path> s = Files.list(DIR)) {
      for (Path ns : s.toList()) {
        Optional<Object> ino = inode(ns);
        if (ino.isPresent() && inodes.contains(ino.get())) {
          problems.addAll(delete(ns));
        }
      }
    } catch (IOException e) {
      problems.add("cannot list " + DIR + ": " + e.getMessage());
    }
    return problems;
  }

  /**
   * Ends the containerd shims serving {@code sockets} with the containers below them, then deletes the
   * pod network namespaces those containers ran in: never this process's own, nor the named ones in
   * {@code keep} (e.g. the node namespace a daemon runs in). Returns what stayed, one message each.
   */
  public static List<String> endShimsAndTheirPods(Collection<Path> sockets, Collection<String> keep) {
    List<Long> stuck = new ArrayList<>();
    Set<Object> podNetns = new HashSet<>();
    Set<String> seenByShims = new HashSet<>();
    for (Path socket : sockets) {
      for (long pid : HostProcesses.shimsOf(socket)) {
        ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(p ->
            inode(Path.of("/proc", Long.toString(p.pid()), "ns", "net")).ifPresent(podNetns::add)));
        // a daemon in a mount namespace of its own (ContainerdOptions.privateVarLog) mounts its pods' namespace
        // files there only: the host sees plain files, found by name in the shim's view
        seenByShims.addAll(mountedIn(Path.of("/proc", Long.toString(pid), "root").resolve(realDir().substring(1))));
        if (!HostProcesses.endTree(pid, Duration.ofSeconds(3))) {
          stuck.add(pid);
        }
      }
    }
    List<String> problems = new ArrayList<>();
    if (!stuck.isEmpty()) {
      problems.add("shim processes " + stuck + " did not end");
    }
    inode(Path.of("/proc/self/ns/net")).ifPresent(podNetns::remove); // never the host's
    for (String name : keep) {
      inode(path(name)).ifPresent(podNetns::remove);
    }
    problems.addAll(deleteByInode(podNetns));
    Optional<Object> nsfs = device(Path.of("/proc/self/ns/net"));
    for (String name : seenByShims) {
      // mounted in the shim's mount namespace only: a plain file here (a namespace file here was handled above)
      boolean plainHere = Files.isRegularFile(path(name)) && nsfs.isPresent() && !device(path(name)).equals(nsfs);
      if (plainHere && !keep.contains(name)) {
        problems.addAll(delete(name));
      }
    }
    return problems;
  }

  /**
   * {@link #DIR} without symbolic links (/var/run is one to /run): an absolute link below {@code /proc/<pid>/root}
   * resolves against this process's root, not that process's.
   */
  private static String realDir() {
    try {
      return DIR.toRealPath().toString();
    } catch (IOException e) {
      return DIR.toString();
    }
  }

  /**
   * The names of the network namespace files mounted in {@code dir} (a process's view of {@link #DIR}); plain
   * files (mounted in no namespace that view has) are left out.
   */
  private static Set<String> mountedIn(Path dir) {
    Set<String> out = new HashSet<>();
    Optional<Object> nsfs = device(Path.of("/proc/self/ns/net"));
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(f -> nsfs.isPresent() && device(f).equals(nsfs)).forEach(f -> out.add(f.getFileName().toString()));
    } catch (IOException | RuntimeException e) {
      // the process is gone or has no such directory
    }
    return out;
  }
}
