package io.podgate.internal.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host lock stays held by this JVM when code here asks for it again (POSIX locks belong to the process). */
class HostLockTest {
  @TempDir
  Path tmp;

  @Test
  void askingAgainInTheHoldingJvmNeitherGetsNorReleasesIt() throws Exception {
    Path file = tmp.resolve("host.lock");
    try (HostLock held = HostLock.tryAcquire(file).orElseThrow()) {
      assertThat(otherProcessGets(file)).as("another process while this JVM holds it").isEqualTo("held");
      assertThat(HostLock.tryAcquire(file)).as("a second ask in this JVM").isEmpty();
      // before: that ask opened and closed another channel on the file, which released this JVM's lock
      assertThat(otherProcessGets(file)).as("another process after the second ask").isEqualTo("held");
    }
    assertThat(otherProcessGets(file)).as("another process once released").isEqualTo("free");
    try (HostLock again = HostLock.tryAcquire(file).orElseThrow()) {
      assertThat(again.file()).isEqualTo(file);
    }
  }

  @Test
  void aHolderThatDeletesTheFileLeavesNoneAndTheNextHolderLocksANewOne() throws Exception {
    Path file = tmp.resolve("host.lock");
    HostLock first = HostLock.tryAcquire(file).orElseThrow();
    first.write("record");
    first.delete();
    assertThat(file).doesNotExist();
    try (HostLock next = HostLock.tryAcquire(file).orElseThrow()) {
      assertThat(next.content()).isEmpty();
      assertThat(otherProcessGets(file)).as("the lock is on the file the path names").isEqualTo("held");
    }
  }

  /** "free" when a fresh JVM could take the lock on {@code file}, else "held". */
  private static String otherProcessGets(Path file) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), Probe.class.getName(),
        file.toString())).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }

  /** Tries the lock once in its own process. */
  public static final class Probe {
    public static void main(String[] args) throws Exception {
      try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE)) {
        FileLock l = ch.tryLock();
        System.out.println(l == null ? "held" : "free");
      }
    }
  }
}
