package io.podgate.bench;

import io.podgate.PodgateException;
import io.podgate.internal.host.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

/** What the seed and cluster benchmarks share around their sections: the work directory and the closing report. */
final class BenchRuns {
  private BenchRuns() {}

  /** A fresh directory {@code <prefix><random>} under {@code base}, traversable by nginx's workers (nobody). */
  static Path createWorkDir(Path base, String prefix) {
    try {
      Files.createDirectories(base);
      Path dir = Files.createTempDirectory(base, prefix);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      return dir;
    } catch (IOException e) {
      throw new PodgateException("cannot create the benchmark's work directory under " + base + ": "
          + e.getMessage() + "; pass --work-dir with a writable directory", e);
    }
  }

  /** Removes the run's work directory with everything in it. */
  static void deleteWorkDir(Path dir) {
    FileTrees.delete(dir);
  }

  /**
   * Prints the targets table ({@code title}), writes the report with the targets filed under the run's test
   * ({@code displayName}), and says where the report is and which sections failed.
   */
  static BenchReport.Written finish(BenchProgress log, Sections sections, BenchReport report, String title,
      String displayName, Path reportDir, String runId, Instant started) {
    log.block(report.targetsTable(title));
    BenchReport.Written w = report.write(displayName, reportDir, runId, started);
    log.line("HTML report: " + w.index());
    if (!sections.failed().isEmpty()) {
      log.line("failed sections: " + sections.failed());
    }
    return w;
  }
}
