package io.podgate.internal.report;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One measurement as written to a report: the few headline figures shown in summary.json, every
 * other figure, and the series charts are drawn from. Values are JSON-ready: String, Number,
 * Boolean, null, List and Map of those.
 */
public record ReportEntry(
    ReportKind kind,
    String label,
    Instant timestamp,
    Map<String, Object> headline,
    Map<String, Object> figures,
    Map<String, Object> series) {

  public ReportEntry {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(timestamp, "timestamp");
    headline = Collections.unmodifiableMap(new LinkedHashMap<>(headline));
    figures = Collections.unmodifiableMap(new LinkedHashMap<>(figures));
    series = Collections.unmodifiableMap(new LinkedHashMap<>(series));
  }

  /** The JSON object of this entry in a per-test file. */
  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", kind.json());
    m.put("label", label);
    m.put("timestamp", timestamp.toString());
    m.put("headline", headline);
    m.put("figures", figures);
    m.put("series", series);
    return m;
  }
}
