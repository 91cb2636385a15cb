package io.podgate.internal.host;

import io.podgate.PodgateException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * An exclusive lock on a host-wide file (e.g. while a kubelet uses the host's fixed paths), held by
 * one process at a time and released by the kernel when that process dies. The file stays while its
 * content names what the holder wants undone if it dies (a {@link HostRestoreManifest}); a holder with
 * nothing left to record {@link #delete() deletes} it.
 */
public final class HostLock implements AutoCloseable {
  /**
   * Lock files this JVM holds. The lock is a POSIX record lock, owned by the process: closing any other
   * channel on the same file releases it (seen: a second cluster started its kubelets beside this JVM's after
   * a test here merely asked for the lock), so a file held here is never opened again until released.
   */
  private static final java.util.Set<Path> HELD = new java.util.HashSet<>();
  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private HostLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /** The lock if free now, else empty (also when this JVM already holds it). */
  public static Optional<HostLock> tryAcquire(Path file) {
    synchronized (HELD) {
      Path key = file.toAbsolutePath().normalize();
      if (HELD.contains(key)) {
        return Optional.empty();
      }
      Optional<HostLock> l = tryLock(file);
      l.ifPresent(x -> HELD.add(key));
      return l;
    }
  }

  /**
   * Locks the file that {@code file} names when it is locked (a holder may {@link #delete()} it: a lock taken on
   * the file it deleted would exclude no one, so that case is retried on the new file).
   */
  private static Optional<HostLock> tryLock(Path file) {
    for (int attempt = 0; attempt < 10; attempt++) {
      FileChannel ch = null;
      try {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try {
          Files.createFile(file);
        } catch (java.nio.file.FileAlreadyExistsException exists) {
          // the usual case
        }
        Object inode = Files.getAttribute(file, "unix:ino");
        ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock l = ch.tryLock();
        if (l == null) {
          closeQuietly(ch);
          return Optional.empty();
        }
        if (inode.equals(Files.getAttribute(file, "unix:ino"))) {
          return Optional.of(new HostLock(file, ch, l));
        }
        closeQuietly(ch); // the holder before deleted it between our open and our lock
      } catch (java.nio.file.NoSuchFileException deleted) {
        closeQuietly(ch); // deleted by its holder as we opened it: again
      } catch (OverlappingFileLockException held) {
        closeQuietly(ch); // this JVM holds it
        return Optional.empty();
      } catch (IOException e) {
        closeQuietly(ch);
        throw new PodgateException("cannot open the host lock " + file + ": " + e.getMessage(), e);
      }
    }
    return Optional.empty();
  }

  /**
   * Waits up to {@code timeout} for the lock; {@code waiting} is told once when someone else holds it.
   *
   * @throws PodgateException when it is still held after {@code timeout}
   */
  public static HostLock acquire(Path file, Duration timeout, Consumer<String> waiting) {
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean told = false;
    while (true) {
      Optional<HostLock> l = tryAcquire(file);
      if (l.isPresent()) {
        return l.get();
      }
      if (!told) {
        waiting.accept("waiting for the host lock " + file + ", held by another process (" + holderText(file) + ")");
        told = true;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new PodgateException("the host lock " + file + " was still held after " + timeout.toSeconds()
            + " s (" + holderText(file) + "); wait for that run to end, or end it");
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PodgateException("interrupted while waiting for the host lock " + file, e);
      }
    }
  }

  private static String holderText(Path file) {
    try {
      String s = Files.readString(file).strip();
      return s.isEmpty() ? "no holder recorded" : "holder: " + s;
    } catch (IOException e) {
      return "holder unknown";
    }
  }

  /** What the previous (or current) holder wrote; empty when nothing. */
  public String content() {
    try {
      ByteBuffer b = ByteBuffer.allocate((int) Math.min(channel.size(), 4096));
      channel.read(b, 0);
      return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "";
    }
  }

  /** Replaces the content (what a later holder or a janitor reads). */
  public void write(String content) {
    try {
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((content + "\n").getBytes(StandardCharsets.UTF_8)), 0);
      channel.force(true);
    } catch (IOException e) {
      throw new PodgateException("cannot write the host lock " + file + ": " + e.getMessage(), e);
    }
  }

  /** Deletes the file while still holding it, then releases it: for a holder that leaves nothing to record. */
  public void delete() {
    synchronized (HELD) {
      if (channel.isOpen()) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          throw new PodgateException("cannot delete the host lock " + file + ": " + e.getMessage(), e);
        } finally {
          close();
        }
      }
    }
  }

  public Path file() {
    return file;
  }

  @Override
  public void close() {
    synchronized (HELD) {
      if (!channel.isOpen()) {
        return;
      }
      try {
        lock.release();
      } catch (IOException ignored) {
        // closing the channel releases it too
      }
      closeQuietly(channel);
      HELD.remove(file.toAbsolutePath().normalize());
    }
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // nothing to do
      }
    }
  }
}
