package io.podgate.internal.report;

import io.podgate.measure.MetricDirection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A figure a benchmark compares with a target, e.g. "pod start p50" 212 ms against at most 300 ms.
 * HIGHER_IS_BETTER passes when value >= target, LOWER_IS_BETTER when value <= target.
 */
public record ReportTarget(String name, double value, double target, String unit, MetricDirection direction) {

  public ReportTarget {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(direction, "direction");
    if (!Double.isFinite(target)) {
      throw new IllegalArgumentException("target '" + name + "' must be a finite number, got " + target);
    }
  }

  public boolean passed() {
    if (!Double.isFinite(value)) {
      return false;
    }
    return direction == MetricDirection.HIGHER_IS_BETTER ? value >= target : value <= target;
  }

  /** "pass" or "fail", as written to summary.json. */
  public String verdict() {
    return passed() ? "pass" : "fail";
  }

  Map<String, Object> toJson(String testId) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("value", ReportEntries.finiteOrNull(value));
    m.put("target", target);
    m.put("unit", unit);
    m.put("verdict", verdict());
    m.put("direction", direction == MetricDirection.HIGHER_IS_BETTER ? "at-least" : "at-most");
    m.put("test", testId);
    return m;
  }
}
