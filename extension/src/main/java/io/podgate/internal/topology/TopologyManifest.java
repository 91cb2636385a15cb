package io.podgate.internal.topology;

import io.podgate.PodgateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * What a topology has created, one entry per line, appended before (or right after) each thing is
 * made, so that a {@link TopologyJanitor} can remove it when the owning JVM died. Lines:
 * {@code owner <pid> <startMillis>}, {@code dir <path>}, {@code netns <name>}, {@code link <name>},
 * {@code route <cidr> <via>}, {@code daemon <pid> <socket>}.
 */
public final class TopologyManifest {
  public static final String FILE_NAME = "topology.manifest";

  /** One manifest line. */
  public record Entry(String kind, List<String> values) {
    String line() {
      return kind + " " + String.join(" ", values);
    }
  }

  private final Path file;

  private TopologyManifest(Path file) {
    this.file = file;
  }

  /** Creates the manifest of a topology owned by this JVM in {@code dir}. */
  static TopologyManifest create(Path dir) {
    TopologyManifest m = new TopologyManifest(dir.resolve(FILE_NAME));
    ProcessHandle self = ProcessHandle.current();
    long start = self.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
    m.add("owner", Long.toString(self.pid()), Long.toString(start));
    m.add("dir", dir.toString());
    return m;
  }

  public static TopologyManifest at(Path file) {
    return new TopologyManifest(file);
  }

  public Path file() {
    return file;
  }

  synchronized void add(String kind, String... values) {
    for (String v : values) {
      if (v.isEmpty() || v.chars().anyMatch(Character::isWhitespace)) {
        throw new PodgateException("manifest value '" + v + "' for " + kind + " must be one non-empty word");
      }
    }
    try {
      Files.writeString(file, new Entry(kind, List.of(values)).line() + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
    } catch (IOException e) {
      throw new PodgateException("cannot record '" + kind + " " + String.join(" ", values) + "' in the topology"
          + " manifest " + file + ": " + e.getMessage() + "; without it a crash could leave it behind", e);
    }
  }

  /** The entries in the order they were written; unknown or malformed lines are skipped. */
  public List<Entry> read() {
    List<Entry> entries = new ArrayList<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return entries;
    }
    return parse(lines);
  }

  static List<Entry> parse(List<String> lines) {
    List<Entry> entries = new ArrayList<>();
    for (String line : lines) {
      String[] words = line.strip().split("\\s+");
      if (words.length < 2 || words[0].startsWith("#")) {
        continue;
      }
      int want = switch (words[0]) {
        case "owner", "route", "daemon" -> 3;
        case "dir", "netns", "link" -> 2;
        default -> -1;
      };
      if (want == words.length) {
        entries.add(new Entry(words[0], List.of(words).subList(1, words.length)));
      }
    }
    return entries;
  }

  /** The owner's PID and start time (ms), or pid 0 when the manifest has no owner line. */
  public long[] owner() {
    for (Entry e : read()) {
      if (e.kind().equals("owner")) {
        try {
          return new long[] {Long.parseLong(e.values().get(0)), Long.parseLong(e.values().get(1))};
        } catch (NumberFormatException ignored) {
          break;
        }
      }
    }
    return new long[] {0, 0};
  }

  /** True while the process that wrote this manifest still runs (same PID and start time). */
  public boolean ownerAlive() {
    long[] o = owner();
    if (o[0] <= 0) {
      return false;
    }
    return ProcessHandle.of(o[0]).filter(ProcessHandle::isAlive).map(p -> o[1] == 0 || p.info().startInstant()
        .map(s -> Math.abs(s.toEpochMilli() - o[1]) < 2000).orElse(true)).orElse(false);
  }

  @Override
  public String toString() {
    return file.toString();
  }
}
