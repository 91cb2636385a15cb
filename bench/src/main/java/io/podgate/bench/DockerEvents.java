package io.podgate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Docker's own times for the containers of a Testcontainers run, from
 * {@code docker events --format '{{.TimeNano}} {{.Action}} {{.Actor.ID}}'}: per container, the first
 * time of each action (create, start, kill, die, destroy), and the spans between them in ms.
 */
final class DockerEvents {
  /** Spans reported, each from one action to another. */
  static final Map<String, String[]> SPANS = new LinkedHashMap<>();

  static {
    SPANS.put("dockerCreateToStart", new String[] {"create", "start"});
    SPANS.put("dockerKillToDestroy", new String[] {"kill", "destroy"});
    SPANS.put("dockerDieToDestroy", new String[] {"die", "destroy"});
    SPANS.put("dockerCreateToDestroy", new String[] {"create", "destroy"});
  }

  private final Map<String, Map<String, Long>> byContainer = new LinkedHashMap<>();

  private DockerEvents() {}

  /** Parses the lines; lines that are not {@code nanos action id} are skipped ("exec_start: ..." counts as exec_start). */
  static DockerEvents parse(List<String> lines) {
    DockerEvents e = new DockerEvents();
    for (String line : lines) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 3) {
        continue;
      }
      long nanos;
      try {
        nanos = Long.parseLong(f[0]);
      } catch (NumberFormatException x) {
        continue;
      }
      String action = f[1].endsWith(":") ? f[1].substring(0, f[1].length() - 1) : f[1];
      e.byContainer.computeIfAbsent(f[f.length - 1], k -> new LinkedHashMap<>()).putIfAbsent(action, nanos);
    }
    return e;
  }

  int containers() {
    return byContainer.size();
  }

  /** The span in ms for every container that has both actions, in the order the containers appeared. */
  List<Double> span(String from, String to) {
    List<Double> out = new ArrayList<>();
    for (Map<String, Long> actions : byContainer.values()) {
      Long a = actions.get(from);
      Long b = actions.get(to);
      if (a != null && b != null) {
        out.add((b - a) / 1e6);
      }
    }
    return out;
  }

  /** Docker's own times for the run's containers (docker events between its spawn and exit); said and skipped if unreadable. */
  static void addSpans(WaitStats stats, Path logDir, WaitChildren.Child c, int round, String suffix,
      Consumer<String> log) {
    String docker = Files.isExecutable(Path.of("/usr/bin/docker")) ? "/usr/bin/docker" : "docker";
    Path out = logDir.resolve(c.log().getFileName().toString().replace(".log", ".docker-events"));
    try {
      Process p = new ProcessBuilder(docker, "events", "--since", seconds(c.spawnMicros()), "--until",
          seconds(c.exitMicros() + 1_000_000), "--filter", "type=container", "--format",
          "{{.TimeNano}} {{.Action}} {{.Actor.ID}}").redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        log.accept("docker events took over 30 s; Docker's own times left out for " + c.log());
        return;
      }
      DockerEvents events = DockerEvents.parse(Files.readAllLines(out));
      for (Map.Entry<String, String[]> span : DockerEvents.SPANS.entrySet()) {
        List<Double> v = events.span(span.getValue()[0], span.getValue()[1]);
        if (!v.isEmpty()) {
          stats.add(UserWaitBenchmark.TESTCONTAINERS, span.getKey() + suffix, round, WaitStats.median(v));
        }
      }
    } catch (IOException e) {
      log.accept("cannot read docker events (" + e.getMessage() + "); Docker's own times left out for " + c.log());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted reading docker events", e);
    }
  }

  private static String seconds(long micros) {
    return String.format(Locale.ROOT, "%d.%06d", micros / 1_000_000, micros % 1_000_000);
  }
}
