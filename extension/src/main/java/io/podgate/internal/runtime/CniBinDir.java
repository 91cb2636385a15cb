package io.podgate.internal.runtime;

import io.podgate.PodgateException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Finds the directory holding the CNI plugins podgate's network config uses. */
public final class CniBinDir {
  public static final List<Path> CANDIDATES = List.of(Path.of("/opt/cni/bin"), Path.of("/usr/lib/cni"));
  public static final List<String> REQUIRED_PLUGINS = List.of("bridge", "host-local", "portmap", "loopback");

  private CniBinDir() {}

  /** The first of {@link #CANDIDATES} holding every plugin of {@link #REQUIRED_PLUGINS}. */
  public static Path find() {
    return find(CANDIDATES);
  }

  public static Path find(List<Path> candidates) {
    List<String> seen = new ArrayList<>();
    for (Path dir : candidates) {
      List<String> missing = missing(dir);
      if (missing.isEmpty()) {
        return dir;
      }
      seen.add(dir + (Files.isDirectory(dir) ? " lacks " + String.join(", ", missing) : " does not exist"));
    }
    throw new PodgateException("no CNI plugin directory holds all of " + REQUIRED_PLUGINS + ": "
        + String.join("; ", seen)
        + ". Install the CNI plugins (Debian: apt-get install containernetworking-plugins, which fills /usr/lib/cni)"
        + " or put them in /opt/cni/bin.");
  }

  static List<String> missing(Path dir) {
    List<String> missing = new ArrayList<>();
    for (String plugin : REQUIRED_PLUGINS) {
      Path p = dir.resolve(plugin);
      if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
        missing.add(plugin);
      }
    }
    return missing;
  }
}
