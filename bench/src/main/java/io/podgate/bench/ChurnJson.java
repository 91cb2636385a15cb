package io.podgate.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podgate.measure.ChurnResult;

/** A churn result as a JSON object (for benchmark output and reports). */
public final class ChurnJson {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ChurnJson() {}

  public static ObjectNode toNode(ChurnResult r) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("path", r.path().name());
    root.put("mode", r.mode().name());
    root.put("workers", r.workers());
    root.put("image", r.image());
    root.put("cycles", r.cycles());
    root.put("elapsedMs", r.elapsed().toMillis());
    root.put("cyclesPerSecond", round(r.cyclesPerSecond()));
    root.put("failures", r.failures());
    r.failureMessages().forEach(root.putArray("failureMessages")::add);
    r.stoppedEarly().ifPresent(s -> root.put("stoppedEarly", s));
    ObjectNode ops = root.putObject("latencyMs");
    r.latencies().forEach((op, l) -> {
      ObjectNode n = ops.putObject(op);
      n.put("count", l.count());
      n.put("p50", l.p50Millis());
      n.put("p90", l.p90Millis());
      n.put("p99", l.p99Millis());
      n.put("max", l.maxMillis());
    });
    r.completedPerSecond().forEach(root.putArray("completedPerSecond")::add);
    return root;
  }

  public static String toJson(ChurnResult r) {
    try {
      return MAPPER.writeValueAsString(toNode(r));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write churn JSON", e);
    }
  }

  static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
