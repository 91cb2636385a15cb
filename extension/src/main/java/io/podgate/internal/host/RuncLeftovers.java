package io.podgate.internal.host;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What runc leaves of a container whose shim was killed before {@code runc delete} ran: its state
 * directory under {@code /run/containerd/runc/<namespace>/<id>} and its cgroup directories (one per
 * hierarchy on cgroup v1), which runc lists in that state. Only containers whose rootfs lies under a
 * given base directory are touched, so another containerd's containers never are.
 */
public final class RuncLeftovers {
  static final Path RUNC_ROOT = Path.of("/run/containerd/runc");
  static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");
  private static final Duration CGROUP_PATIENCE = Duration.ofSeconds(3);

  private RuncLeftovers() {}

  /**
   * Deletes the cgroups, then the runc state, of every container whose rootfs is under
   * {@code baseDir}. Returns what stayed, empty when everything went.
   */
  public static List<String> deleteUnder(Path baseDir) {
    List<String> failed = new ArrayList<>();
    String rootfsPrefix = baseDir + "/";
    for (Path ns : list(RUNC_ROOT, failed)) {
      for (Path container : list(ns, failed)) {
        deleteIfUnder(container, rootfsPrefix, failed);
      }
    }
    return failed;
  }

  private static void deleteIfUnder(Path container, String rootfsPrefix, List<String> failed) {
    JsonNode state = null;
    IOException unreadable = null;
    // another daemon may be creating this container: its state.json can appear between our read and our look
    for (int attempt = 0; attempt < 3 && state == null; attempt++) {
      try {
        state = Json.mapper().readTree(container.resolve("state.json").toFile());
      } catch (IOException e) {
        if (!Files.exists(container.resolve("state.json"))) {
          return; // gone meanwhile, or not written yet: not ours to judge
        }
        unreadable = e;
        pause(Duration.ofMillis(50));
      }
    }
    if (state == null) {
      failed.add("unreadable runc state " + container + ": " + unreadable.getMessage());
      return;
    }
    if (state.path("config").path("rootfs").asText("").startsWith(rootfsPrefix)) {
      failed.addAll(deleteCgroups(container.getFileName().toString(), state.path("cgroup_paths")));
      if (!FileTrees.delete(container)) {
        failed.add("runc state " + container);
      }
    }
  }

  /** The directories in {@code dir}; none when it is missing or vanishes meanwhile. */
  private static List<Path> list(Path dir, List<String> failed) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.filter(Files::isDirectory).toList();
    } catch (NoSuchFileException | java.nio.file.NotDirectoryException gone) {
      return List.of();
    } catch (IOException e) {
      failed.add("cannot list " + dir + ": " + e.getMessage());
      return List.of();
    }
  }

  /**
   * The directories runc makes for a containerd namespace and nothing removes: its parent cgroup in
   * each hierarchy ({@code /sys/fs/cgroup/<h>/<namespace>}) and its state directory
   * ({@code /run/containerd/runc/<namespace>}); those that exist now.
   */
  public static Set<Path> namespaceDirectories(String namespace) {
    Set<Path> found = new LinkedHashSet<>();
    try (Stream<Path> hierarchies = Files.list(CGROUP_ROOT)) {
      hierarchies.map(h -> h.resolve(namespace)).filter(Files::isDirectory).forEach(found::add);
    } catch (IOException e) {
      // no cgroup tree to look at
    }
    Path state = RUNC_ROOT.resolve(namespace);
    if (Files.isDirectory(state)) {
      found.add(state);
    }
    return found;
  }

  /** Removes, when empty, the namespace's directories that were not there {@code before}. */
  public static void removeNamespaceDirectoriesMadeSince(Set<Path> before, String namespace) {
    for (Path dir : namespaceDirectories(namespace)) {
      if (!before.contains(dir)) {
        rmdir(dir, Duration.ZERO);
      }
    }
  }

  /** Removes the container's cgroup directories; returns those that stayed. */
  static List<String> deleteCgroups(String containerId, JsonNode cgroupPaths) {
    List<Path> dirs = new ArrayList<>();
    for (Iterator<JsonNode> it = cgroupPaths.elements(); it.hasNext(); ) {
      Path dir = Path.of(it.next().asText("/")).normalize();
      if (ownCgroup(dir, containerId) && !dirs.contains(dir)) {
        dirs.add(dir);
      }
    }
    List<String> stayed = new ArrayList<>();
    for (Path dir : dirs) {
      String problem = rmdir(dir, CGROUP_PATIENCE);
      if (problem != null) {
        stayed.add("cgroup " + dir + " (" + problem + ")");
      }
    }
    return stayed;
  }

  /** Only a directory named after the container, below a hierarchy under /sys/fs/cgroup. */
  static boolean ownCgroup(Path dir, String containerId) {
    return dir.startsWith(CGROUP_ROOT) && dir.getNameCount() > CGROUP_ROOT.getNameCount() + 1
        && dir.getFileName().toString().equals(containerId);
  }

  /**
   * rmdir, retried while the kernel says busy (a cgroup whose last tasks are exiting or not yet reaped).
   * Returns null when it is gone, else why not.
   */
  static String rmdir(Path dir, Duration patience) {
    long deadline = System.nanoTime() + patience.toNanos();
    while (true) {
      try {
        Files.delete(dir); // rmdir(2): a cgroup's control files do not count as entries
        return null;
      } catch (NoSuchFileException gone) {
        return null;
      } catch (DirectoryNotEmptyException e) {
        return "it is not empty";
      } catch (IOException e) {
        if (System.nanoTime() - deadline > 0) {
          return e.getMessage();
        }
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted";
      }
    }
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
