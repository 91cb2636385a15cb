package io.podgate.internal.cri;

import io.podgate.internal.host.Mounts;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Recognises a runtime error caused by a full filesystem and says so, naming the path and its mount. */
public final class DiskFull {
  private static final Pattern PATH = Pattern.compile("(/[^\\s:\"]+)[^/]*no space left on device");

  private DiskFull() {}

  /** A sentence for the end of a message when {@code said} reports ENOSPC, else empty. */
  public static String hint(String said) {
    if (said == null || !said.contains("no space left on device")) {
      return "";
    }
    Matcher m = PATH.matcher(said);
    String where = m.find() ? m.group(1) : "";
    String mount = where.isEmpty() ? "" : mountOf(where);
    return " The disk is full: containerd could not write"
        + (where.isEmpty() ? "" : " " + where + (mount.isEmpty() ? "" : " (filesystem mounted on " + mount + ")"))
        + ". Free space there, or put containerd's root on a larger filesystem (for podgate's embedded containerd:"
        + " system property podgate.workdir).";
  }

  /** The mount point holding {@code path}, from /proc/self/mounts; empty if unknown. */
  static String mountOf(String path) {
    String best = "";
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/mounts"))) {
        String[] f = line.split(" ");
        if (f.length < 2) {
          continue;
        }
        String point = Mounts.unescape(f[1]);
        if ((path.equals(point) || path.startsWith(point.endsWith("/") ? point : point + "/")) && point.length() > best.length()) {
          best = point;
        }
      }
    } catch (java.io.IOException e) {
      return "";
    }
    return best;
  }
}
