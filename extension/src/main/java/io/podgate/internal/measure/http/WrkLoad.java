package io.podgate.internal.measure.http;

import io.podgate.PodgateException;
import io.podgate.internal.measure.api.MeasureInternals;
import io.podgate.internal.measure.iperf.CommandRunner;
import io.podgate.measure.HttpLoadOptions;
import io.podgate.measure.HttpLoadResult;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * HTTP load from wrk 4 in a client pod (the path when the test JVM cannot reach pod IPs). wrk runs with
 * {@link #SCRIPT}, whose {@code done} hook prints wrk's totals and its latency histogram (value and count of each
 * 1 us bucket) as {@code podgate-wrk} lines; {@link #parse} reads them into an {@link HttpLoadResult}.
 */
public final class WrkLoad {
  /** Where the {@code podgate:client} image holds {@link #SCRIPT}. */
  public static final String SCRIPT_PATH = "/etc/podgate/wrk-report.lua";
  /** wrk script: method from PODGATE_WRK_METHOD, and a done hook printing totals and the latency histogram. */
  public static final String SCRIPT = """
      -- podgate: wrk's totals and latency histogram (microseconds) for podgate's parser
      local method = os.getenv("PODGATE_WRK_METHOD")
      if method and method ~= "" then wrk.method = method end
      done = function(summary, latency, requests)
        local e = summary.errors
        io.write(string.format("podgate-wrk summary %d %d %d %d %d %d %d %d\\n", summary.duration, summary.requests,
          summary.bytes, e.connect, e.read, e.write, e.status, e.timeout))
        for i = 1, #latency do
          local v, c = latency(i)
          io.write(string.format("podgate-wrk latency %d %d\\n", v, c))
        end
        io.write("podgate-wrk end\\n")
      end
      """;
  private static final String PREFIX = "podgate-wrk ";

  private WrkLoad() {}

  /** The command for one run of {@code length}: wrk's threads are min(connections, 2). */
  static List<String> command(HttpLoadOptions o, Duration length) {
    long seconds = length.toSeconds();
    if (seconds < 1 || length.toNanos() % 1_000_000_000L != 0) {
      throw new PodgateException("HTTP load through a client pod runs wrk, whose duration is whole seconds; got "
          + length.toMillis() + " ms (set seconds(n) and a whole-second warm-up)");
    }
    long timeoutSeconds = Math.max(1, (o.timeout().toMillis() + 999) / 1000);
    List<String> c = new ArrayList<>(List.of("env", "PODGATE_WRK_METHOD=" + o.method(), "wrk",
        "-t", Integer.toString(Math.min(o.connections(), 2)), "-c", Integer.toString(o.connections()),
        "-d", seconds + "s", "--timeout", timeoutSeconds + "s", "-s", SCRIPT_PATH));
    for (Map.Entry<String, String> h : o.headers().entrySet()) {
      c.add("-H");
      c.add(h.getKey() + ": " + h.getValue());
    }
    c.add(withPort(o));
    return c;
  }

  /** The target with its port spelled out: the client image has no /etc/services for wrk to look "http" up in. */
  private static String withPort(HttpLoadOptions o) {
    URI t = o.target();
    if (t.getPort() >= 0) {
      return t.toString();
    }
    String host = o.host().contains(":") ? "[" + o.host() + "]" : o.host();
    return t.getScheme() + "://" + host + ":" + o.port() + (t.getRawPath() == null || t.getRawPath().isEmpty() ? "/"
        : t.getRawPath()) + (t.getRawQuery() == null ? "" : "?" + t.getRawQuery());
  }

  /** Runs the load (warm-up first, not recorded) through {@code client}; the result names {@code via}. */
  public static HttpLoadResult run(CommandRunner client, HttpLoadOptions o, String via) {
    if (o.totalRequests().isPresent()) {
      throw new PodgateException("HTTP load through " + via + " runs wrk, which cannot send an exact number of"
          + " requests; use seconds(n) instead of totalRequests(" + o.totalRequests().getAsLong() + ")");
    }
    if (!o.warmup().isZero()) {
      once(client, o, o.warmup());
    }
    String out = once(client, o, o.duration());
    return MeasureInternals.access().withVia(parse(out, o), via);
  }

  private static String once(CommandRunner client, HttpLoadOptions o, Duration length) {
    List<String> command = command(o, length);
    CommandRunner.CommandResult r = client.run(command, length.plus(o.timeout()).plusSeconds(30));
    if (!r.succeeded()) {
      throw new PodgateException("wrk on " + client.description() + " failed" + (r.timedOut() ? " (timed out)" : " with exit code "
          + r.exitCode()) + ": " + (r.stderr() + r.stdout()).strip() + "; command " + command);
    }
    return r.stdout();
  }

  /** Reads the {@code podgate-wrk} lines of {@link #SCRIPT}; throws a PodgateException quoting the output when absent. */
  static HttpLoadResult parse(String stdout, HttpLoadOptions o) {
    long[] summary = null;
    boolean end = false;
    Histogram latency = new Histogram(3);
    for (String line : stdout.split("\n")) {
      if (!line.startsWith(PREFIX)) {
        continue;
      }
      String[] f = line.substring(PREFIX.length()).strip().split(" ");
      try {
        switch (f[0]) {
          case "summary" -> {
            summary = new long[8];
            for (int i = 0; i < 8; i++) {
              summary[i] = Long.parseLong(f[i + 1]);
            }
          }
          case "latency" -> latency.recordValueWithCount(Long.parseLong(f[1]), Long.parseLong(f[2]));
          case "end" -> end = true;
          default -> throw new NumberFormatException("unknown record " + f[0]);
        }
      } catch (RuntimeException e) {
        throw new PodgateException("wrk's report line '" + line + "' is malformed (" + e.getMessage() + ")", e);
      }
    }
    if (summary == null || !end) {
      throw new PodgateException("wrk printed no complete podgate report (is " + SCRIPT_PATH + " the podgate script?): "
          + stdout.strip());
    }
    long errors = summary[3] + summary[4] + summary[5] + summary[7];
    return MeasureInternals.access().httpLoadResult(o.target(), o.connections(), Duration.ofNanos(summary[0] * 1000),
        latency, new long[0], new long[0], summary[1], summary[2], errors, summary[7], summary[6]);
  }
}
