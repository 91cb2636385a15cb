package io.podgate.testsupport;

import io.podgate.internal.host.FileTrees;
import io.podgate.internal.host.SharedHostPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * For a test that runs {@code ip netns add} itself (it makes /run/netns and mounts it on itself): joins
 * the host's shared paths as a runtime does, so the last user removes them again.
 */
public final class SharedPathsUser implements AutoCloseable {
  private final Path dir;

  private SharedPathsUser(Path dir) {
    this.dir = dir;
  }

  public static SharedPathsUser join() {
    try {
      Path dir = Files.createTempDirectory("podgate-shared-user");
      SharedHostPaths.host().join(dir);
      return new SharedPathsUser(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    FileTrees.delete(dir);
    List<String> problems = SharedHostPaths.host().leave(dir, m -> { });
    if (!problems.isEmpty()) {
      throw new IllegalStateException(String.join("; ", problems));
    }
  }
}
