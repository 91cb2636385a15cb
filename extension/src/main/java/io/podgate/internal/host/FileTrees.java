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

  /**
   * Removes {@code dir} if it is an empty directory (a work directory the last runtime or session in it
   * leaves); true when it was removed. One that is not empty, or already gone, stays as it is.
   */
  public static boolean deleteIfEmpty(Path dir) {
    try {
      return Files.deleteIfExists(dir);
    } catch (java.nio.file.DirectoryNotEmptyException e) {
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * {@link Files#createDirectories}, tried again when a parent vanished meanwhile (another run removed
   * its empty work directory, {@link #deleteIfEmpty}, just then).
   */
  public static Path createDirectories(Path dir, java.nio.file.attribute.FileAttribute<?>... attributes)
      throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        return Files.createDirectories(dir, attributes);
      } catch (java.nio.file.NoSuchFileException e) {
        if (attempt == 3) {
          throw e;
        }
      }
    }
  }
}
