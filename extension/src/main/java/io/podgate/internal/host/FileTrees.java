package io.podgate.internal.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Deleting a directory tree, best effort: a busy file stays, the rest goes. */
public final class FileTrees {
  private FileTrees() {}

  /** Deletes {@code dir} and everything under it; true when it is gone (or never existed). */
  public static boolean delete(Path dir) {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return true;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // what stays is reported by the return value
        }
      });
    } catch (IOException e) {
      return false;
    }
    return !Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS);
  }
}
