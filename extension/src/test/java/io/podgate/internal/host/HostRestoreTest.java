package io.podgate.internal.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A manifest's processes, created paths and directories undone; the host lock and manifests of live owners kept. */
class HostRestoreTest {
  @TempDir
  Path tmp;

  @Test
  void cleanEndsProcessesDeletesCreatedPathsAndDirsAndTheManifest() throws Exception {
    Path work = Files.createDirectories(tmp.resolve("work"));
    Path created = Files.createDirectories(tmp.resolve("created/sub"));
    HostRestoreManifest m = HostRestoreManifest.create(work);
    Process sleeper = new ProcessBuilder("sleep", "600").start();
    m.process(sleeper, "sleeper");
    m.add("created", tmp.resolve("created").toString());
    m.add("dir", work.toString());

    List<String> problems = HostRestore.clean(m, false, Duration.ofSeconds(1));

    assertThat(problems).isEmpty();
    assertThat(sleeper.isAlive()).isFalse();
    assertThat(created.getParent()).doesNotExist();
    assertThat(work).doesNotExist();
  }

  /** A manifest helper: records that it ran (and whether the manifest's directory was still there), or fails. */
  public static final class MarkingHelper {
    public static void main(String[] args) throws Exception {
      Path dir = Path.of(args[0]);
      if (dir.getFileName().toString().startsWith("fail")) {
        System.exit(3);
      }
      Files.writeString(dir.resolveSibling(dir.getFileName() + ".ran"), "dir existed: " + Files.isDirectory(dir));
    }
  }

  @Test
  void helpersRunFirstAndAFailingOneIsReported() throws Exception {
    Path work = Files.createDirectories(tmp.resolve("work"));
    Path failing = Files.createDirectories(tmp.resolve("fail"));
    HostRestoreManifest m = HostRestoreManifest.create(work);
    m.add("helper", MarkingHelper.class.getName(), work.toString());
    m.add("helper", MarkingHelper.class.getName(), failing.toString());
    m.add("dir", work.toString());

    List<String> problems = HostRestore.clean(m, false, Duration.ofSeconds(1));

    assertThat(tmp.resolve("work.ran")).hasContent("dir existed: true");
    assertThat(problems).singleElement().asString().contains("helper " + MarkingHelper.class.getName() + " " + failing)
        .contains("exited 3");
    assertThat(work).doesNotExist();
  }

  @Test
  void aProcessWhosePidWasReusedIsLeftAlone() throws Exception {
    Process sleeper = new ProcessBuilder("sleep", "600").start();
    try {
      HostRestoreManifest m = HostRestoreManifest.create(tmp);
      m.add("process", Long.toString(sleeper.pid()), "1", "other"); // start time 1970: not this process
      assertThat(HostRestore.clean(m, false, Duration.ZERO)).isEmpty();
      assertThat(sleeper.isAlive()).isTrue();
    } finally {
      sleeper.destroyForcibly().waitFor();
    }
  }

  @Test
  void cleanUnderSkipsManifestsWhoseOwnerRuns() throws Exception {
    Path live = Files.createDirectories(tmp.resolve("a/live"));
    HostRestoreManifest.create(live).add("dir", live.toString()); // owned by this JVM
    Path dead = Files.createDirectories(tmp.resolve("b/dead"));
    HostRestoreManifest gone = HostRestoreManifest.at(dead.resolve(HostRestoreManifest.FILE_NAME));
    gone.add("owner", "999999999", "0");
    gone.add("dir", dead.toString());

    assertThat(HostRestore.cleanUnder(tmp, Duration.ZERO)).containsExactly("restored " + gone.file());
    assertThat(live.resolve(HostRestoreManifest.FILE_NAME)).exists();
    assertThat(dead).doesNotExist();
  }

  @Test
  void sharedEntriesWaitForTheHostLockAndAreSkippedWhileAnotherHoldsIt() throws Exception {
    Path lockFile = tmp.resolve("host.lock");
    Path shared = Files.createDirectories(tmp.resolve("shared"));
    HostRestoreManifest m = HostRestoreManifest.create(tmp);
    m.add("lock", lockFile.toString());
    m.add("created", shared.toString());
    try (HostLock held = HostLock.tryAcquire(lockFile).orElseThrow()) { // the next cluster's owner holds it
      assertThat(HostRestore.clean(m, false, Duration.ofMillis(500))).singleElement().asString()
          .contains("stayed held");
      assertThat(shared).exists();
    }
    HostRestoreManifest again = HostRestoreManifest.create(tmp);
    again.add("lock", lockFile.toString());
    again.add("created", shared.toString());
    assertThat(HostRestore.clean(again, false, Duration.ofSeconds(5))).isEmpty();
    assertThat(shared).doesNotExist();
  }

  @Test
  void sharedEntriesKeptInTheLockAreUndoneByTheNextHolderAfterTheManifestIsGone() throws Exception {
    Path lockFile = tmp.resolve("host.lock");
    Path shared = Files.createDirectories(tmp.resolve("shared"));
    HostRestoreManifest m = HostRestoreManifest.at(tmp.resolve(HostRestoreManifest.FILE_NAME));
    m.add("owner", "999999999", "0"); // a JVM that died
    m.add("lock", lockFile.toString());
    m.add("created", shared.toString());
    try (HostLock dead = HostLock.tryAcquire(lockFile).orElseThrow()) {
      HostRestore.recordShared(dead, m);
    }
    try (HostLock other = HostLock.tryAcquire(lockFile).orElseThrow()) { // held while the watchdog cleans
      assertThat(HostRestore.clean(m, false, Duration.ZERO)).singleElement().asString().contains("stayed held");
      assertThat(m.file()).doesNotExist();
      assertThat(shared).exists();
    }
    try (HostLock next = HostLock.tryAcquire(lockFile).orElseThrow()) {
      assertThat(next.content()).contains("created " + shared);
      assertThat(HostRestore.restorePreviousHolder(next)).isEmpty();
      assertThat(shared).doesNotExist();
      assertThat(next.content()).isEmpty();
    }
  }

  @Test
  void aSysctlIsReadWhole() throws Exception {
    // /proc/sys files report size 0; kernel.pid_max always has several digits
    String pidMax;
    try (var in = Files.newBufferedReader(Path.of("/proc/sys/kernel/pid_max"))) {
      pidMax = in.readLine().strip();
    }
    assertThat(pidMax).hasSizeGreaterThan(1);
    assertThat(HostRestore.readSysctl("kernel.pid_max")).isEqualTo(pidMax);
  }
}
