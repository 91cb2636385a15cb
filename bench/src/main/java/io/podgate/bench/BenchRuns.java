package io.podgate.bench;

import io.podgate.PodgateException;
import io.podgate.internal.report.ReportTarget;
import io.podgate.measure.MetricDirection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;

/** What the seed and cluster benchmarks share: their work directory and the targets table. */
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

  /** One line per target: name, value, target with its direction, unit, verdict. */
  static String targetsTable(String title, List<ReportTarget> targets) {
    StringBuilder t = new StringBuilder(title).append('\n');
    t.append(String.format(Locale.ROOT, "%-48s %10s %10s  %-14s %s%n", "name", "value", "target", "unit", "verdict"));
    for (ReportTarget x : targets) {
      t.append(String.format(Locale.ROOT, "%-48s %10s %10s  %-14s %s%n", x.name(),
          Double.isFinite(x.value()) ? String.format(Locale.ROOT, "%.2f", x.value()) : "-",
          (x.direction() == MetricDirection.HIGHER_IS_BETTER ? ">= " : "<= ")
              + String.format(Locale.ROOT, "%.2f", x.target()), x.unit(), x.verdict()));
    }
    return t.toString();
  }
}
