package io.podgate.internal.pod;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads CRI log files: each line is {@code <time> <stream> <P|F> <text>}; P marks a partial line. */
public final class CriLogs {
  private CriLogs() {}

  public static List<String> lines(Path file) {
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    List<String> raw;
    try {
      raw = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return List.of("<cannot read " + file + ": " + e.getMessage() + ">");
    }
    return parse(raw);
  }

  static List<String> parse(List<String> raw) {
    List<String> out = new ArrayList<>();
    StringBuilder partial = new StringBuilder();
    for (String line : raw) {
      String[] parts = line.split(" ", 4);
      if (parts.length < 3) {
        continue;
      }
      String text = parts.length == 4 ? parts[3] : "";
      partial.append(text);
      if (!"P".equals(parts[2])) {
        out.add(partial.toString());
        partial.setLength(0);
      }
    }
    if (partial.length() > 0) {
      out.add(partial.toString());
    }
    return out;
  }

  public static String tail(Path file, int lines) {
    List<String> all = lines(file);
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }
}
