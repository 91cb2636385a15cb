package io.podgate.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The figures of the "time a user waits" section: per tool and metric, one value per measured round
 * (round 0, the warm-up, kept apart); medians, and ratios of one tool's median to another's.
 */
final class WaitStats {
  private static final Pattern SUREFIRE_ELAPSED = Pattern.compile("Time elapsed: ([0-9]+(?:[.,][0-9]+)?) s");

  /** tool -> metric -> values of the measured rounds, in round order. */
  private final Map<String, Map<String, List<Double>>> values = new LinkedHashMap<>();
  private final Map<String, Map<String, List<Double>>> warmup = new LinkedHashMap<>();

  /** Adds a figure in ms; round 0 is the warm-up and never enters a median. A non-finite value is refused. */
  void add(String tool, String metric, int round, double ms) {
    if (!Double.isFinite(ms)) {
      throw new IllegalArgumentException(tool + " " + metric + " round " + round + ": not a number (" + ms + ")");
    }
    (round == 0 ? warmup : values).computeIfAbsent(tool, k -> new LinkedHashMap<>())
        .computeIfAbsent(metric, k -> new ArrayList<>()).add(ms);
  }

  List<Double> values(String tool, String metric) {
    return values.getOrDefault(tool, Map.of()).getOrDefault(metric, List.of());
  }

  List<Double> warmup(String tool, String metric) {
    return warmup.getOrDefault(tool, Map.of()).getOrDefault(metric, List.of());
  }

  /** The metrics recorded for the tool, in the order first recorded (warm-up included). */
  List<String> metrics(String tool) {
    List<String> m = new ArrayList<>(warmup.getOrDefault(tool, Map.of()).keySet());
    for (String k : values.getOrDefault(tool, Map.of()).keySet()) {
      if (!m.contains(k)) {
        m.add(k);
      }
    }
    return m;
  }

  OptionalDouble median(String tool, String metric) {
    List<Double> v = values(tool, metric);
    return v.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(median(v));
  }

  /** Median of {@code tool} over median of {@code peer}; empty when either has no value or the peer's is not positive. */
  OptionalDouble ratio(String tool, String peer, String metric) {
    OptionalDouble a = median(tool, metric);
    OptionalDouble b = median(peer, metric);
    if (a.isEmpty() || b.isEmpty() || b.getAsDouble() <= 0) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(a.getAsDouble() / b.getAsDouble());
  }

  static double median(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("the median of no values");
    }
    List<Double> s = new ArrayList<>(values);
    Collections.sort(s);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  /**
   * Who goes first in a round: the warm-up (0) and odd rounds in the given order, even rounds reversed,
   * so that neither tool always runs first.
   */
  static List<String> order(int round, List<String> tools) {
    List<String> o = new ArrayList<>(tools);
    if (round > 0 && round % 2 == 0) {
      Collections.reverse(o);
    }
    return o;
  }

  /** Surefire's "Time elapsed: 1.234 s" of the first test class in a build's output, in ms; empty if absent. */
  static OptionalDouble surefireElapsedMillis(String mavenOutput) {
    Matcher m = SUREFIRE_ELAPSED.matcher(mavenOutput);
    if (!m.find()) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(Double.parseDouble(m.group(1).replace(',', '.')) * 1000);
  }
}
