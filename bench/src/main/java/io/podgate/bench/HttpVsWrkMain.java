package io.podgate.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * {@code HttpVsWrkMain <url> [connections=10] [seconds=5] [rounds=4]}: prints the podgate-vs-wrk
 * table, then one JSON line starting with "JSON ".
 */
public final class HttpVsWrkMain {
  private HttpVsWrkMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 4) {
      System.err.println("usage: HttpVsWrkMain <http://ip:port/path> [connections=10] [seconds=5] [rounds=4]");
      System.exit(2);
    }
    String url = args[0];
    int connections = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 4;
    HttpVsWrk.Comparison c =
        HttpVsWrk.compare(url, connections, seconds, rounds, WrkRunner.onPath(), System.out::println);
    System.out.print(c.toTable());
    System.out.println("JSON " + toJson(c));
  }

  static String toJson(HttpVsWrk.Comparison c) throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    root.put("url", c.url());
    root.put("connections", c.connections());
    root.put("seconds", c.seconds());
    root.put("rounds", c.rounds());
    c.podgateRequestsPerSecond().forEach(root.putArray("podgateRequestsPerSecond")::add);
    c.wrkRequestsPerSecond().forEach(root.putArray("wrkRequestsPerSecond")::add);
    root.put("podgateMedianRequestsPerSecond", c.podgateMedianRequestsPerSecond());
    root.put("wrkMedianRequestsPerSecond", c.wrkMedianRequestsPerSecond());
    root.put("ratio", c.ratio());
    ObjectNode latency = root.putObject("latencyMillis");
    for (Map.Entry<String, double[]> e : c.latencyMillis().entrySet()) {
      ObjectNode n = latency.putObject(e.getKey());
      n.put("podgate", e.getValue()[0]);
      n.put("wrk", e.getValue()[1]);
      n.put("relativeDifference", c.latencyRelativeDifference().get(e.getKey()));
    }
    root.put("podgateErrors", c.podgateErrors());
    root.put("wrkErrors", c.wrkErrors());
    root.put("podgateLittleDeviation", c.podgateLittleDeviation());
    root.put("wrkLittleDeviation", c.wrkLittleDeviation());
    return mapper.writeValueAsString(root);
  }
}
