package io.podgate.internal.measure.churn;

import io.podgate.measure.ChurnResult.OperationLatency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** Thread-safe per-operation latency histograms, recorded in microseconds. */
public final class LatencyHistograms {
  private final Map<String, Histogram> byOperation = new LinkedHashMap<>();

  /** @param operations the operations recorded, in the order results list them */
  public LatencyHistograms(List<String> operations) {
    for (String op : operations) {
      ConcurrentHistogram h = new ConcurrentHistogram(3);
      h.setAutoResize(true);
      byOperation.put(op, h);
    }
  }

  public void record(String operation, long nanos) {
    Histogram h = byOperation.get(operation);
    if (h == null) {
      throw new IllegalArgumentException("no histogram for operation " + operation + "; known: " + byOperation.keySet());
    }
    h.recordValue(Math.max(1, nanos / 1_000));
  }

  /** Forgets every value (a warm-up's); call it while nothing records. */
  public void reset() {
    byOperation.values().forEach(Histogram::reset);
  }

  /** Percentiles of every operation that recorded at least one value. */
  public Map<String, OperationLatency> summaries() {
    Map<String, OperationLatency> out = new LinkedHashMap<>();
    byOperation.forEach((op, h) -> {
      Histogram copy = h.copy();
      if (copy.getTotalCount() > 0) {
        out.put(op, new OperationLatency(op, copy.getTotalCount(),
            millis(copy.getValueAtPercentile(50)), millis(copy.getValueAtPercentile(90)),
            millis(copy.getValueAtPercentile(99)), millis(copy.getMaxValue())));
      }
    });
    return out;
  }

  private static double millis(long micros) {
    return micros / 1000.0;
  }
}
