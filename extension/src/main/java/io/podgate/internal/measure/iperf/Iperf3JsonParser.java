package io.podgate.internal.measure.iperf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.podgate.measure.ThroughputResult;
import io.podgate.measure.ThroughputResult.Endpoint;
import io.podgate.measure.ThroughputResult.Interval;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/** Reads the JSON an iperf3 client writes with {@code --json} (checked against iperf 3.12 output). */
public final class Iperf3JsonParser {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Iperf3JsonParser() {}

  /**
   * @param json the client's stdout
   * @param label the path label the result carries
   * @throws Iperf3Exception SERVER_BUSY / SERVER_UNREACHABLE / IPERF_ERROR when the JSON carries an
   *     {@code "error"}, BAD_OUTPUT when it is not iperf3's JSON or lacks the totals
   */
  public static ThroughputResult parse(String json, String label) {
    JsonNode root = readTree(json);
    JsonNode error = root.get("error");
    if (error != null && !error.isNull()) {
      throw errorOf(error.asText());
    }
    JsonNode start = root.path("start");
    JsonNode end = root.path("end");
    JsonNode sumSent = end.path("sum_sent");
    JsonNode sumReceived = end.path("sum_received");
    requireNumber(sumSent, "bits_per_second", "end.sum_sent", json);
    requireNumber(sumReceived, "bits_per_second", "end.sum_received", json);

    JsonNode connected = start.path("connected");
    if (!connected.isArray() || connected.isEmpty()) {
      throw new Iperf3Exception(Iperf3Exception.Kind.BAD_OUTPUT,
          "iperf3 JSON has no start.connected entry, so client and server addresses are unknown. Output was: "
              + abbreviate(json));
    }
    JsonNode first = connected.get(0);
    Endpoint client = new Endpoint(first.path("local_host").asText(), first.path("local_port").asInt());
    Endpoint server = new Endpoint(first.path("remote_host").asText(), first.path("remote_port").asInt());

    JsonNode testStart = start.path("test_start");
    int streams = testStart.path("num_streams").asInt(connected.size());
    boolean reverse = testStart.path("reverse").asInt(0) != 0;
    int omit = testStart.path("omit").asInt(0);
    long seconds = testStart.path("duration").asLong(0);

    OptionalInt mss = intOf(start, "tcp_mss");
    if (mss.isEmpty()) {
      mss = intOf(start, "tcp_mss_default");
    }

    List<Interval> intervals = new ArrayList<>();
    OptionalInt pmtu = OptionalInt.empty();
    for (JsonNode interval : root.path("intervals")) {
      JsonNode sum = interval.path("sum");
      intervals.add(new Interval(
          sum.path("start").asDouble(),
          sum.path("end").asDouble(),
          sum.path("bits_per_second").asDouble(),
          sum.path("retransmits").asLong(0),
          sum.path("omitted").asBoolean(false)));
      for (JsonNode stream : interval.path("streams")) {
        OptionalInt seen = intOf(stream, "pmtu");
        if (seen.isPresent()) {
          pmtu = seen;
        }
      }
    }

    JsonNode cpu = end.path("cpu_utilization_percent");
    return new ThroughputResult(
        label,
        client,
        server,
        sumSent.path("bits_per_second").asDouble(),
        sumReceived.path("bits_per_second").asDouble(),
        sumSent.path("retransmits").asLong(0),
        streams,
        reverse,
        mss,
        pmtu,
        seconds > 0 ? Duration.ofSeconds(seconds) : Duration.ofNanos((long) (sumReceived.path("seconds").asDouble() * 1e9)),
        omit,
        intervals,
        doubleOf(cpu, "host_total"),
        doubleOf(cpu, "remote_total"),
        ThroughputResult.DIRECT);
  }

  /** Maps iperf3's error text to a kind and a message that says what to do. */
  static Iperf3Exception errorOf(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.contains("busy")) {
      return new Iperf3Exception(Iperf3Exception.Kind.SERVER_BUSY,
          "iperf3 server is busy running another test (\"" + text + "\"). Another client uses the same"
              + " server/port; use a port of your own or wait for the other test to end.");
    }
    if (lower.contains("unable to connect") || lower.contains("connection refused")
        || lower.contains("no route to host") || lower.contains("timed out")) {
      return new Iperf3Exception(Iperf3Exception.Kind.SERVER_UNREACHABLE,
          "iperf3 client could not reach the server (\"" + text + "\"). Check the server is running,"
              + " listens on that address and port, and the path between them is up.");
    }
    return new Iperf3Exception(Iperf3Exception.Kind.IPERF_ERROR, "iperf3 reported an error: \"" + text + "\"");
  }

  private static JsonNode readTree(String json) {
    if (json == null || json.isBlank()) {
      throw new Iperf3Exception(Iperf3Exception.Kind.BAD_OUTPUT,
          "iperf3 wrote no JSON on stdout; was it run with --json?");
    }
    try {
      JsonNode root = MAPPER.readTree(json);
      if (root == null || !root.isObject()) {
        throw new Iperf3Exception(Iperf3Exception.Kind.BAD_OUTPUT,
            "iperf3 output is not a JSON object: " + abbreviate(json));
      }
      return root;
    } catch (JsonProcessingException e) {
      throw new Iperf3Exception(Iperf3Exception.Kind.BAD_OUTPUT,
          "iperf3 output is not valid JSON (" + e.getOriginalMessage() + "): " + abbreviate(json), e);
    }
  }

  private static void requireNumber(JsonNode node, String field, String where, String json) {
    if (!node.path(field).isNumber()) {
      throw new Iperf3Exception(Iperf3Exception.Kind.BAD_OUTPUT,
          "iperf3 JSON lacks " + where + "." + field + " (did the test run to its end?). Output was: "
              + abbreviate(json));
    }
  }

  private static OptionalInt intOf(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.isNumber() ? OptionalInt.of(v.asInt()) : OptionalInt.empty();
  }

  private static OptionalDouble doubleOf(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.isNumber() ? OptionalDouble.of(v.asDouble()) : OptionalDouble.empty();
  }

  static String abbreviate(String text) {
    String t = text == null ? "" : text.strip();
    return t.length() <= 600 ? t : t.substring(0, 600) + "...(" + t.length() + " chars)";
  }
}
