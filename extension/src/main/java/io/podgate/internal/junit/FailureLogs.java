package io.podgate.internal.junit;

import io.podgate.Container;
import io.podgate.LogEntry;
import io.podgate.internal.pod.CriLogs;
import io.podgate.internal.backend.PodHandle;
import io.podgate.internal.report.ReportWriter;
import io.podgate.internal.report.TestIds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * When a test fails, its pods are removed right after and their logs with them: this keeps them.
 * Each container's whole log is written under {@code <report dir>/logs/<test>/}, one entry a line as
 * {@code <time> <stdout|stderr> <text>}, a report entry {@code podgate.log.<pod>.<container>} names the file,
 * and the last entries of every log are attached to the failure as a suppressed exception, so they show next to
 * it in the build output.
 */
final class FailureLogs {
  static final int TAIL_ENTRIES = 20;

  /** Suppressed on a failed test: the tails of its pods' logs (no stack trace of its own). */
  static final class PodLogsAtFailure extends RuntimeException {
    PodLogsAtFailure(String message) {
      super(message, null, false, false);
    }
  }

  private FailureLogs() {}

  static void attach(String testId, Collection<PodHandle> pods, Throwable failure,
      Consumer<Map<String, String>> publish) {
    if (pods.isEmpty()) {
      return;
    }
    Path dir = ReportWriter.fromSystemProperties().dir().resolve("logs").resolve(TestIds.fileStem(testId))
        .toAbsolutePath();
    StringBuilder tails = new StringBuilder("logs of the pods this test used, at its failure (last " + TAIL_ENTRIES
        + " entries of each as <time> <stream> <text>; whole logs in " + dir + "):");
    Map<String, String> entry = new LinkedHashMap<>();
    for (PodHandle pod : pods) {
      for (Container c : pod.containers()) {
        String key = pod.name() + "." + c.name();
        List<LogEntry> entries;
        String unreadable = null;
        try {
          entries = c.logEntries();
        } catch (RuntimeException e) {
          entries = List.of();
          unreadable = "(log unreadable: " + e.getMessage() + ")";
        }
        Path file = dir.resolve(TestIds.fileStem(key) + ".log");
        try {
          Files.createDirectories(dir);
          Files.writeString(file, unreadable != null ? unreadable + "\n" : whole(entries), StandardCharsets.UTF_8);
          entry.put("podgate.log." + key, file.toString());
        } catch (IOException e) {
          entry.put("podgate.log." + key, "could not be saved to " + file + ": " + e.getMessage());
        }
        String tail = unreadable != null ? unreadable
            : entries.isEmpty() ? "(empty)" : CriLogs.tail(entries, TAIL_ENTRIES);
        tails.append("\n--- pod ").append(pod.name()).append(", container ").append(c.name()).append(" ---\n")
            .append(tail);
      }
    }
    publish.accept(entry);
    failure.addSuppressed(new PodLogsAtFailure(tails.toString()));
  }

  /** Every entry as a line {@code <time> <stdout|stderr> <text>}, each ended by a newline. */
  static String whole(List<LogEntry> entries) {
    StringBuilder out = new StringBuilder();
    for (LogEntry e : entries) {
      out.append(CriLogs.describe(e)).append('\n');
    }
    return out.toString();
  }
}
