package io.podgate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long containerd itself took for a CRI call, read from its own log: the CRI plugin logs each
 * call at info level when it begins ("StartContainer for \"id\"") and when it returns ("... returns
 * successfully", "returns sandbox id", "returns container id"). Any client, crictl included, waits at
 * least this long; what a client adds is its own time minus this.
 */
final class RuntimeSideTimes {
  private static final Pattern LINE = Pattern.compile("^time=\"([^\"]+)\" level=info msg=\"(.*)\"");

  /** One timed call: the CRI operation and a text naming its subject (an id or a metadata name). */
  record Call(String operation, String subject) {}

  private record Entry(Instant time, String message) {}

  private final List<Entry> entries;

  private RuntimeSideTimes(List<Entry> entries) {
    this.entries = entries;
  }

  static RuntimeSideTimes read(Path containerdLog) {
    try {
      return parse(Files.readAllLines(containerdLog));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read containerd's log " + containerdLog + ": " + e.getMessage(), e);
    }
  }

  static RuntimeSideTimes parse(List<String> lines) {
    List<Entry> entries = new ArrayList<>();
    for (String line : lines) {
      Matcher m = LINE.matcher(line);
      if (m.find()) {
        try {
          entries.add(new Entry(Instant.parse(m.group(1)), m.group(2)));
        } catch (DateTimeParseException e) {
          // not a containerd line
        }
      }
    }
    return new RuntimeSideTimes(entries);
  }

  /** Only the lines written at or after {@code from} (a reused runtime's log holds earlier runs' lines too). */
  RuntimeSideTimes since(Instant from) {
    return new RuntimeSideTimes(entries.stream().filter(e -> !e.time().isBefore(from)).toList());
  }

  /** When containerd wrote its first line (it logs "starting containerd" first); empty for an empty log. */
  Optional<Instant> firstLine() {
    return entries.isEmpty() ? Optional.empty() : Optional.of(entries.get(0).time());
  }

  /** When containerd said "containerd successfully booted"; empty when it did not. */
  Optional<Instant> booted() {
    return entries.stream().filter(e -> e.message().startsWith("containerd successfully booted")).findFirst()
        .map(Entry::time);
  }

  /** From containerd's first log line to "containerd successfully booted"; empty when either is missing. */
  Optional<Duration> boot() {
    return firstLine().flatMap(f -> booted().map(b -> Duration.between(f, b)));
  }

  /** From the first line opening {@code call} to the first later line saying it returned; empty when either is missing. */
  Optional<Duration> of(Call call) {
    Instant begun = null;
    for (Entry e : entries) {
      if (!e.message().startsWith(call.operation() + " ") || !e.message().contains(call.subject())) {
        continue;
      }
      boolean returned = e.message().contains(" returns ");
      if (begun == null && !returned) {
        begun = e.time();
      } else if (begun != null && returned) {
        return Optional.of(Duration.between(begun, e.time()));
      }
    }
    return Optional.empty();
  }
}
