package io.podgate.internal.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * CNI's result caches ({@code <network>-<sandbox id>-<interface>} in /var/lib/cni/results), which
 * stay behind when CNI DEL never ran for a sandbox.
 */
public final class CniResults {
  static final Path DIR = Path.of("/var/lib/cni/results");
  private static final String CRI_SANDBOXES = "io.containerd.grpc.v1.cri/sandboxes";

  private CniResults() {}

  /** Deletes the caches of these sandboxes; returns what stayed. */
  public static List<String> deleteOf(Collection<String> sandboxIds) {
    if (sandboxIds.isEmpty() || !Files.isDirectory(DIR)) {
      return List.of();
    }
    Set<String> ids = new HashSet<>(sandboxIds);
    List<String> problems = new ArrayList<>();
    try (Stream<Path> cached = Files.list(DIR)) {
      for (Path f : cached.toList()) {
        String n = f.getFileName().toString();
        if (ids.stream().anyMatch(id -> n.contains("-" + id + "-"))) {
          try {
            Files.deleteIfExists(f);
          } catch (IOException e) {
            problems.add("CNI result cache " + f + ": " + e.getMessage());
          }
        }
      }
    } catch (IOException e) {
      problems.add("cannot clean " + DIR + ": " + e.getMessage());
    }
    return problems;
  }

  /**
   * Deletes the caches of the sandboxes still recorded in containerd roots under {@code dir} (a
   * daemon's base directory, or a topology's directory of several); returns what stayed.
   */
  public static List<String> deleteOfSandboxesUnder(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    Set<String> ids = new HashSet<>();
    try (Stream<Path> walk = Files.walk(dir, 4)) {
      walk.filter(p -> p.endsWith(CRI_SANDBOXES)).forEach(sandboxes -> {
        try (Stream<Path> s = Files.list(sandboxes)) {
          s.forEach(id -> ids.add(id.getFileName().toString()));
        } catch (IOException ignored) {
          // nothing to match
        }
      });
    } catch (IOException e) {
      return List.of("cannot read " + dir + ": " + e.getMessage());
    }
    return deleteOf(ids);
  }
}
