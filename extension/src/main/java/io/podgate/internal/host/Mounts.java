package io.podgate.internal.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Mount points as the kernel lists them, and unmounting what lies under a directory. */
public final class Mounts {
  static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

  private Mounts() {}

  /**
   * Unmounts every mount point strictly under {@code dir}, deepest first: {@code umount}, then a lazy
   * {@code umount -l} for a busy one. Returns what stayed mounted, one message each (or that
   * /proc/self/mountinfo could not be read); empty when nothing is left.
   */
  public static List<String> unmountUnder(Path dir) {
    List<String> points = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(MOUNTINFO)) {
        String[] f = line.split(" ");
        if (f.length > 4) {
          String point = unescape(f[4]);
          if (point.startsWith(dir + "/")) {
            points.add(point);
          }
        }
      }
    } catch (IOException e) {
      return List.of("cannot read " + MOUNTINFO + ": " + e.getMessage());
    }
    points.sort(Comparator.comparingInt(String::length).reversed());
    List<String> problems = new ArrayList<>();
    for (String point : points) {
      if (!HostCommand.run(List.of("umount", point)).ok() && !HostCommand.run(List.of("umount", "-l", point)).ok()) {
        problems.add("could not unmount " + point);
      }
    }
    return problems;
  }

  /**
   * A path field of /proc/self/mountinfo or /proc/self/mounts with the kernel's octal escapes decoded
   * ({@code \040} space, {@code \011} tab, {@code \012} newline, {@code \134} backslash).
   */
  public static String unescape(String field) {
    return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
  }
}
