package io.podgate.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
}
