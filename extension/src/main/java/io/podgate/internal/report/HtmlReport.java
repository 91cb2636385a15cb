package io.podgate.internal.report;

import io.podgate.Container;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.measure.Throughput;
import static io.podgate.internal.report.Html.esc;
import static io.podgate.internal.report.Html.num;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The run's index.html: one self-contained page (inline CSS, inline SVG, a small inline script, a
 * CSP forbidding any fetch) with a chart and a figure table per measurement.
 */
final class HtmlReport {
  static final String BASELINE = "#8a8f98";
  static final String SUBJECT = "#1f6fd1";
  static final String ACCENT = "#d1571f";
  static final String FAIL = "#c62828";
  static final String PASS = "#2e7d32";

  private int charts;
  private final StringBuilder out = new StringBuilder();

  private HtmlReport() {}

  /** The page for a summary (podgate.summary/v1) and the run's test files (podgate.test/v1). */
  static String render(JsonNode summary, List<JsonNode> tests) {
    return new HtmlReport().page(summary, tests);
  }

  private String page(JsonNode summary, List<JsonNode> tests) {
    out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        + "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n");
    out.append("<title>podgate report</title>\n<style>\n").append(CSS).append("</style>\n");
    out.append("<script>window.podgateErrors=[];window.addEventListener('error',function(e){"
        + "window.podgateErrors.push(String(e.message));});</script>\n</head>\n<body>\n");
    out.append("<header><h1>podgate report</h1>\n<p>generated ").append(esc(summary.path("generatedAt").asText()))
        .append(" &middot; run <code>").append(esc(summary.path("runId").asText())).append("</code> &middot; ")
        .append(tests.size()).append(" test(s)</p>\n");
    out.append("<p id=\"podgate-status\" data-state=\"pending\">charts not checked yet</p>\n</header>\n");
    testIndex(tests);
    targets(summary.path("targets"));
    for (JsonNode t : tests) {
      test(t);
    }
    out.append("<script>\n").append(CHECK_SCRIPT).append("</script>\n</body>\n</html>\n");
    return out.toString();
  }

  private void testIndex(List<JsonNode> tests) {
    out.append("<section class=\"index\"><h2>Tests</h2>\n<table><thead><tr><th>test</th><th>measurements</th>"
        + "<th>targets</th></tr></thead><tbody>\n");
    for (JsonNode t : tests) {
      out.append("<tr><td><a href=\"#").append(anchor(t)).append("\">").append(esc(name(t))).append("</a></td><td>");
      List<String> kinds = new ArrayList<>();
      for (JsonNode m : t.path("measurements")) {
        kinds.add(m.path("kind").asText());
      }
      out.append(esc(String.join(", ", kinds))).append("</td><td>").append(t.path("targets").size())
          .append("</td></tr>\n");
    }
    out.append("</tbody></table></section>\n");
  }

  private void targets(JsonNode targets) {
    if (targets.isEmpty()) {
      return;
    }
    out.append("<section class=\"targets\"><h2>Targets</h2>\n<table><thead><tr><th>name</th><th>value</th>"
        + "<th>target</th><th>unit</th><th>verdict</th><th>test</th></tr></thead><tbody>\n");
    for (JsonNode t : targets) {
      String verdict = t.path("verdict").asText();
      out.append("<tr><td>").append(esc(t.path("name").asText())).append("</td><td>").append(numOf(t.path("value")))
          .append("</td><td>").append(t.path("direction").asText().equals("at-least") ? "&ge; " : "&le; ")
          .append(numOf(t.path("target"))).append("</td><td>").append(esc(t.path("unit").asText()))
          .append("</td><td class=\"verdict ").append(verdict.equals("pass") ? "pass" : "fail").append("\">")
          .append(esc(verdict)).append("</td><td>").append(esc(t.path("test").asText())).append("</td></tr>\n");
    }
    out.append("</tbody></table></section>\n");
  }

  private void test(JsonNode t) {
    out.append("<section class=\"test\" id=\"").append(anchor(t)).append("\">\n<h2>").append(esc(name(t)))
        .append("</h2>\n<p class=\"id\">id <code>").append(esc(t.path("id").asText())).append("</code></p>\n");
    for (JsonNode m : t.path("measurements")) {
      String kind = m.path("kind").asText();
      out.append("<article class=\"measurement\" data-kind=\"").append(esc(kind)).append("\">\n<h3>")
          .append(esc(kind)).append(": ").append(esc(m.path("label").asText())).append("</h3>\n<p class=\"when\">")
          .append(esc(m.path("timestamp").asText())).append("</p>\n<div class=\"row\">\n");
      switch (kind) {
        case "throughput" -> throughput(m);
        case "http" -> http(m);
        case "comparison" -> comparison(m);
        case "churn" -> churn(m);
        case "cri-latency" -> criLatency(m);
        default -> table(List.<String[]>of(row("figures", m.path("figures").toString())));
      }
      out.append("</div>\n</article>\n");
    }
    out.append("</section>\n");
  }

  private void throughput(JsonNode m) {
    JsonNode h = m.path("headline");
    JsonNode f = m.path("figures");
    JsonNode intervals = m.path("series").path("intervals");
    double max = h.path("receiverBitsPerSecond").asDouble(0);
    for (JsonNode i : intervals) {
      max = Math.max(max, i.path("bitsPerSecond").asDouble(0));
    }
    Unit unit = Unit.bits(max);
    SvgPlot p = plot("throughput", "Throughput per interval", "time (s)", unit.name);
    double end = 1;
    for (JsonNode i : intervals) {
      end = Math.max(end, i.path("end").asDouble(0));
    }
    p.x(0, end).y(0, max / unit.scale * 1.05);
    double[] xs = new double[intervals.size()];
    double[] ys = new double[intervals.size()];
    for (int k = 0; k < intervals.size(); k++) {
      JsonNode i = intervals.get(k);
      xs[k] = i.path("end").asDouble();
      ys[k] = i.path("bitsPerSecond").asDouble() / unit.scale;
      if (i.path("omitted").asBoolean()) {
        p.column(i.path("start").asDouble(), i.path("end").asDouble(), BASELINE, "omitted interval");
      }
    }
    p.line("bits/s per interval", xs, ys, SUBJECT, true);
    p.hline(h.path("receiverBitsPerSecond").asDouble() / unit.scale, ACCENT, true,
        "receiver " + num(h.path("receiverBitsPerSecond").asDouble() / unit.scale) + " " + unit.name);
    out.append(p.render());
    table(List.of(
        row("receiver", bits(h.path("receiverBitsPerSecond"))),
        row("sender", bits(h.path("senderBitsPerSecond"))),
        row("retransmits", numOf(h.path("retransmits"))),
        row("client → server", text(f.path("client")) + " → " + text(f.path("server"))),
        row("via", text(f.path("via"))),
        row("streams", numOf(f.path("streams")) + (f.path("reverse").asBoolean() ? " (reversed)" : "")),
        row("MSS / path MTU", numOf(f.path("mss")) + " / " + numOf(f.path("pathMtu"))),
        row("duration", numOf(f.path("durationSeconds")) + " s, omit " + numOf(f.path("omitSeconds")) + " s"),
        row("CPU host / remote", numOf(f.path("hostCpuPercent")) + " % / " + numOf(f.path("remoteCpuPercent")) + " %")));
  }

  private void http(JsonNode m) {
    JsonNode h = m.path("headline");
    JsonNode f = m.path("figures");
    JsonNode dist = m.path("series").path("latencyDistribution");
    double maxX = 2;
    double maxMs = 0;
    for (JsonNode d : dist) {
      double pct = d.path("percentile").asDouble();
      if (pct < 100) {
        maxX = Math.max(maxX, Math.ceil(nines(pct)));
      }
      maxMs = Math.max(maxMs, d.path("millis").asDouble());
    }
    SvgPlot p = plot("latency", "Latency by percentile", "percentile (1/(1-p) scale; max at right edge)",
        "latency (ms)");
    List<SvgPlot.Tick> ticks = new ArrayList<>();
    String[] names = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"};
    for (int k = 0; k <= maxX && k < names.length; k++) {
      ticks.add(new SvgPlot.Tick(k, names[k]));
    }
    p.x(0, maxX).y(0, maxMs * 1.05).xTicks(ticks);
    double[] xs = new double[dist.size()];
    double[] ys = new double[dist.size()];
    for (int k = 0; k < dist.size(); k++) {
      double pct = dist.get(k).path("percentile").asDouble();
      xs[k] = pct >= 100 ? maxX : Math.min(maxX, nines(pct));
      ys[k] = dist.get(k).path("millis").asDouble();
    }
    p.line("latency", xs, ys, SUBJECT, false);
    p.hline(h.path("latencyP99Ms").asDouble(), ACCENT, true, "p99 " + num(h.path("latencyP99Ms").asDouble()) + " ms");
    out.append(p.render());

    JsonNode rps = m.path("series").path("requestsPerSecond");
    SvgPlot r = plot("requests", "Requests per second", "second of the run", "requests/s");
    double maxR = 0;
    double[] rx = new double[rps.size()];
    double[] ry = new double[rps.size()];
    for (int k = 0; k < rps.size(); k++) {
      rx[k] = k + 1;
      ry[k] = rps.get(k).asDouble();
      maxR = Math.max(maxR, ry[k]);
    }
    r.x(0, Math.max(1, rps.size())).y(0, maxR * 1.05).yFormat(Html::si);
    r.line("requests/s", rx, ry, SUBJECT, true);
    out.append(r.render());

    JsonNode lat = f.path("latencyMs");
    table(List.of(
        row("target", text(f.path("target"))),
        row("via", text(f.path("via"))),
        row("connections", numOf(f.path("connections"))),
        row("duration", numOf(f.path("durationSeconds")) + " s"),
        row("requests/s avg", numOf(h.path("requestsPerSecondAvg"))),
        row("latency p50 / p97.5 / p99", numOf(lat.path("p50")) + " / " + numOf(lat.path("p97_5")) + " / "
            + numOf(lat.path("p99")) + " ms"),
        row("latency avg ± stdev", numOf(lat.path("avg")) + " ± " + numOf(lat.path("stdev")) + " ms"),
        row("latency max", numOf(lat.path("max")) + " ms"),
        row("bytes/s avg", Html.si(h.path("bytesPerSecondAvg").asDouble()) + "B/s"),
        row("requests / bytes", numOf(f.path("totalRequests")) + " / " + Html.si(f.path("totalBytes").asDouble()) + "B"),
        row("errors (timeouts)", numOf(h.path("errors")) + " (" + numOf(f.path("timeouts")) + ")"),
        row("non-2xx", numOf(h.path("non2xx")))));
  }

  private void comparison(JsonNode m) {
    JsonNode h = m.path("headline");
    JsonNode f = m.path("figures");
    JsonNode rounds = m.path("series").path("rounds");
    int n = rounds.size();
    double maxV = 0;
    for (JsonNode r : rounds) {
      maxV = Math.max(maxV, Math.max(r.path("baseline").asDouble(0), r.path("subject").asDouble(0)));
    }
    SvgPlot v = plot("comparison-values", "Baseline and subject per round", "round", "value");
    v.x(0.5, n + 0.5).y(0, maxV * 1.05).yFormat(Html::si).xTicks(roundTicks(n));
    v.legend("baseline", BASELINE).legend("subject", SUBJECT);
    for (JsonNode r : rounds) {
      int k = r.path("round").asInt();
      v.bar(k - 0.38, 0.36, r.path("baseline").asDouble(), BASELINE,
          "round " + k + " baseline " + numOf(r.path("baseline")));
      v.bar(k + 0.02, 0.36, r.path("subject").asDouble(), SUBJECT,
          "round " + k + " subject " + numOf(r.path("subject")));
    }
    out.append(v.render());

    double lo = 0;
    double hi = 0;
    for (JsonNode r : rounds) {
      lo = Math.min(lo, r.path("overhead").asDouble() * 100);
      hi = Math.max(hi, r.path("overhead").asDouble() * 100);
    }
    boolean bounded = h.path("ciLow").isNumber() && h.path("ciHigh").isNumber();
    if (bounded) {
      lo = Math.min(lo, h.path("ciLow").asDouble() * 100);
      hi = Math.max(hi, h.path("ciHigh").asDouble() * 100);
    }
    if (h.path("threshold").isNumber()) {
      lo = Math.min(lo, h.path("threshold").asDouble() * 100);
      hi = Math.max(hi, h.path("threshold").asDouble() * 100);
    }
    double pad = Math.max(1, (hi - lo) * 0.1);
    SvgPlot o = plot("comparison", "Overhead per round with CI of the median", "round", "overhead (%)");
    o.x(0.5, n + 0.5).y(lo - pad, hi + pad).xTicks(roundTicks(n));
    String ciText = bounded
        ? "CI " + Html.percent(h.path("ciLow").asDouble()) + " .. " + Html.percent(h.path("ciHigh").asDouble())
        : "CI unbounded (too few rounds)";
    if (bounded) {
      o.band(h.path("ciLow").asDouble() * 100, h.path("ciHigh").asDouble() * 100, SUBJECT, ciText);
    } else {
      o.band(lo - pad, hi + pad, BASELINE, ciText);
    }
    o.legend(ciText, SUBJECT);
    if (h.path("threshold").isNumber()) {
      o.hline(h.path("threshold").asDouble() * 100, FAIL, true,
          "threshold " + Html.percent(h.path("threshold").asDouble()));
    }
    o.hline(h.path("medianOverhead").asDouble() * 100, SUBJECT, false,
        "median " + Html.percent(h.path("medianOverhead").asDouble()));
    for (JsonNode r : rounds) {
      o.dot(r.path("round").asInt(), r.path("overhead").asDouble() * 100, ACCENT,
          "round " + r.path("round").asInt() + " overhead " + Html.percent(r.path("overhead").asDouble()));
    }
    out.append(o.render());

    String verdict = h.path("verdict").asText();
    List<String[]> rows = new ArrayList<>(List.of(
        row("verdict", verdict),
        row("median overhead", pct(h.path("medianOverhead"))),
        row("CI", "[" + pct(h.path("ciLow")) + ", " + pct(h.path("ciHigh")) + "] coverage "
            + pct(f.path("ciCoverage")) + " (target " + pct(f.path("targetConfidence")) + ")"),
        row("threshold", h.path("threshold").isNumber() ? "≤ " + pct(h.path("threshold")) : "none"),
        row("rounds", numOf(h.path("rounds")) + " of max " + numOf(f.path("maxRounds"))),
        row("direction", text(f.path("direction"))),
        row("baseline", text(f.path("baseline"))),
        row("subject", text(f.path("subject"))),
        row("reason", text(f.path("reason")))));
    for (JsonNode r : rounds) {
      rows.add(row("round " + r.path("round").asInt(), Html.si(r.path("baseline").asDouble()) + " vs "
          + Html.si(r.path("subject").asDouble()) + " → " + pct(r.path("overhead"))));
    }
    table(rows, verdict.equals("PASS") ? "verdict-pass" : verdict.equals("FAIL") ? "verdict-fail" : "verdict-other");
  }

  private void churn(JsonNode m) {
    JsonNode h = m.path("headline");
    JsonNode series = m.path("series").path("cyclesPerSecond");
    SvgPlot p = plot("churn", "Churn rate over time", "second of the run", "cycles/s");
    double max = 0;
    double[] xs = new double[series.size()];
    double[] ys = new double[series.size()];
    for (int k = 0; k < series.size(); k++) {
      xs[k] = k + 1;
      ys[k] = series.get(k).asDouble();
      max = Math.max(max, ys[k]);
    }
    p.x(0, Math.max(1, series.size())).y(0, max * 1.1);
    p.line("cycles/s", xs, ys, SUBJECT, true);
    if (h.path("cyclesPerSecond").isNumber()) {
      p.hline(h.path("cyclesPerSecond").asDouble(), ACCENT, true,
          "average " + num(h.path("cyclesPerSecond").asDouble()) + " /s");
    }
    out.append(p.render());
    JsonNode f = m.path("figures");
    List<String[]> rows = new ArrayList<>(List.of(
        row("cycles/s", numOf(h.path("cyclesPerSecond"))),
        row("cycles / failures", numOf(h.path("cycles")) + " / " + numOf(h.path("failures"))),
        row("path / mode", text(f.path("path")) + (f.path("path").asText("CRI").equals("CRI") ? " / "
            + text(f.path("mode")) : "")),
        row("workers", numOf(f.path("workers"))),
        row("image", text(f.path("image"))),
        row("elapsed", numOf(f.path("elapsedSeconds")) + " s")));
    if (f.path("stoppedEarly").isTextual()) {
      rows.add(row("stopped early", f.path("stoppedEarly").asText()));
    }
    for (JsonNode op : f.path("operations")) {
      rows.add(row(op.path("operation").asText(), "n=" + numOf(op.path("count")) + ", p50 " + numOf(op.path("p50Ms"))
          + ", p90 " + numOf(op.path("p90Ms")) + ", p99 " + numOf(op.path("p99Ms")) + ", max "
          + numOf(op.path("maxMs")) + " ms"));
    }
    JsonNode pods = f.path("podLatency");
    if (!pods.isEmpty()) {
      podLatency(pods);
    }
    for (JsonNode pod : pods) {
      rows.add(row("pod latency " + pod.path("condition").asText(), "n=" + numOf(pod.path("count")) + ", p50 "
          + numOf(pod.path("p50Ms")) + ", p95 " + numOf(pod.path("p95Ms")) + ", p99 " + numOf(pod.path("p99Ms"))
          + ", max " + numOf(pod.path("maxMs")) + ", avg " + numOf(pod.path("avgMs")) + " ms"));
    }
    for (JsonNode msg : f.path("failureMessages")) {
      rows.add(row("failure", msg.asText()));
    }
    table(rows);
  }

  /** kube-burner's pod latency: P50, P95 and P99 bars per condition, from the create request. */
  private void podLatency(JsonNode pods) {
    int n = pods.size();
    double max = 0;
    for (JsonNode pod : pods) {
      max = Math.max(max, pod.path("p99Ms").asDouble(0));
    }
    SvgPlot p = plot("pod-latency", "Pod latency by condition (from the create request)", "condition", "latency (ms)");
    List<SvgPlot.Tick> ticks = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      String c = pods.get(k).path("condition").asText();
      ticks.add(new SvgPlot.Tick(k + 1, c.length() <= 11 ? c : c.substring(0, 10) + "…"));
    }
    p.x(0.5, Math.max(1, n) + 0.5).y(0, Math.max(1, max) * 1.05).xTicks(ticks);
    p.legend("p50", SUBJECT).legend("p95", BASELINE).legend("p99", ACCENT);
    for (int k = 0; k < n; k++) {
      JsonNode pod = pods.get(k);
      String c = pod.path("condition").asText();
      p.bar(k + 1 - 0.39, 0.25, pod.path("p50Ms").asDouble(), SUBJECT, c + " p50 " + numOf(pod.path("p50Ms")) + " ms");
      p.bar(k + 1 - 0.12, 0.25, pod.path("p95Ms").asDouble(), BASELINE, c + " p95 " + numOf(pod.path("p95Ms")) + " ms");
      p.bar(k + 1 + 0.15, 0.25, pod.path("p99Ms").asDouble(), ACCENT, c + " p99 " + numOf(pod.path("p99Ms")) + " ms");
    }
    out.append(p.render());
  }

  private void criLatency(JsonNode m) {
    JsonNode ops = m.path("figures").path("operations");
    int n = ops.size();
    double max = 0;
    for (JsonNode op : ops) {
      max = Math.max(max, op.path("p99Ms").asDouble(0));
    }
    SvgPlot p = plot("cri-latency", "CRI call latency by operation", "operation", "latency (ms)");
    List<SvgPlot.Tick> ticks = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      ticks.add(new SvgPlot.Tick(k + 1, shortOp(ops.get(k).path("operation").asText())));
    }
    p.x(0.5, Math.max(1, n) + 0.5).y(0, max * 1.05).xTicks(ticks);
    p.legend("p50", SUBJECT).legend("p99", ACCENT);
    List<String[]> rows = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      JsonNode op = ops.get(k);
      String name = op.path("operation").asText();
      p.bar(k + 1 - 0.38, 0.36, op.path("p50Ms").asDouble(), SUBJECT, name + " p50 " + numOf(op.path("p50Ms")) + " ms");
      p.bar(k + 1 + 0.02, 0.36, op.path("p99Ms").asDouble(), ACCENT, name + " p99 " + numOf(op.path("p99Ms")) + " ms");
      rows.add(row(name, "n=" + numOf(op.path("count")) + ", p50 " + numOf(op.path("p50Ms")) + ", p90 "
          + numOf(op.path("p90Ms")) + ", p99 " + numOf(op.path("p99Ms")) + ", max " + numOf(op.path("maxMs")) + " ms"));
    }
    out.append(p.render());
    table(rows);
  }

  private SvgPlot plot(String kind, String title, String xLabel, String yLabel) {
    charts++;
    return new SvgPlot(kind, "c" + charts, title, xLabel, yLabel);
  }

  private static List<SvgPlot.Tick> roundTicks(int n) {
    List<SvgPlot.Tick> ticks = new ArrayList<>();
    int step = Math.max(1, (int) Math.ceil(n / 12.0));
    for (int k = 1; k <= n; k += step) {
      ticks.add(new SvgPlot.Tick(k, Integer.toString(k)));
    }
    return ticks;
  }

  /** Percentile on the 1/(1-p) axis: 90 % -> 1, 99 % -> 2, 99.9 % -> 3. */
  static double nines(double percentile) {
    return Math.log10(100.0 / (100.0 - percentile));
  }

  private static String shortOp(String op) {
    String s = op.replace("PodSandbox", "Pod").replace("Container", "Ctr");
    return s.length() <= 11 ? s : s.substring(0, 10) + "…";
  }

  private void table(List<String[]> rows) {
    table(rows, "");
  }

  /** A two-column figure table; cells are escaped here. */
  private void table(List<String[]> rows, String cssClass) {
    out.append("<table class=\"figures ").append(esc(cssClass)).append("\"><tbody>\n");
    for (String[] r : rows) {
      out.append("<tr><th>").append(esc(r[0])).append("</th><td>").append(esc(r[1])).append("</td></tr>\n");
    }
    out.append("</tbody></table>\n");
  }

  private static String[] row(String name, String value) {
    return new String[] {name, value};
  }

  private static String name(JsonNode t) {
    JsonNode d = t.get("displayName");
    return d != null && d.isTextual() && !d.asText().isBlank() ? d.asText() : t.path("id").asText();
  }

  private static String anchor(JsonNode t) {
    return "t-" + TestIds.fileStem(t.path("id").asText());
  }

  private static String text(JsonNode n) {
    return n.isMissingNode() || n.isNull() ? "n/a" : n.asText();
  }

  private static String numOf(JsonNode n) {
    return n.isNumber() ? num(n.asDouble()) : "n/a";
  }

  private static String pct(JsonNode n) {
    return n.isNumber() ? Html.percent(n.asDouble()) : "unbounded";
  }

  private static String bits(JsonNode n) {
    if (!n.isNumber()) {
      return "n/a";
    }
    Unit u = Unit.bits(n.asDouble());
    return num(n.asDouble() / u.scale) + " " + u.name;
  }

  private record Unit(String name, double scale) {
    static Unit bits(double max) {
      return max >= 1e9 ? new Unit("Gbit/s", 1e9) : max >= 1e6 ? new Unit("Mbit/s", 1e6)
          : max >= 1e3 ? new Unit("kbit/s", 1e3) : new Unit("bit/s", 1);
    }
  }

  private static final String CSS = """
      body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 24px 48px;color:#1d1d1f;background:#f6f7f9}
      header{border-bottom:1px solid #ddd;margin-bottom:16px}
      h1{margin:16px 0 4px}h2{margin:24px 0 4px}h3{margin:8px 0 0;font-size:15px}
      section.test{background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px 16px;margin:16px 0}
      article.measurement{border-top:1px solid #eee;padding:8px 0}
      .row{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
      svg.chart{border:1px solid #e3e3e3;border-radius:4px;background:#fff;font-size:11px;max-width:100%;height:auto}
      svg .chart-title{font-size:13px;font-weight:600}svg .axis-label{font-size:12px}svg .note{font-size:11px}
      table{border-collapse:collapse;font-size:13px}td,th{padding:2px 8px;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
      table.figures th{font-weight:500;color:#555;white-space:nowrap}
      .pass{color:#2e7d32;font-weight:600}.fail{color:#c62828;font-weight:600}
      table.verdict-pass tr:first-child td{color:#2e7d32;font-weight:600}table.verdict-fail tr:first-child td{color:#c62828;font-weight:600}
      .when,.id{color:#777;margin:0;font-size:12px}code{word-break:break-all}
      #podgate-status{color:#777;font-size:12px}
      """;

  /** Counts the charts, checks each drew something, and records any script error, into #podgate-status. */
  private static final String CHECK_SCRIPT = """
      (function () {
        var status = document.getElementById('podgate-status');
        var charts = document.querySelectorAll('svg.chart');
        var drawn = 0, empty = [];
        for (var i = 0; i < charts.length; i++) {
          var marks = charts[i].querySelectorAll('g.data path, g.data rect, g.data circle');
          if (marks.length > 0) { drawn++; } else { empty.push(charts[i].getAttribute('data-chart')); }
        }
        var errors = window.podgateErrors || [];
        status.setAttribute('data-charts', String(charts.length));
        status.setAttribute('data-drawn', String(drawn));
        status.setAttribute('data-errors', String(errors.length));
        status.setAttribute('data-state', errors.length === 0 && empty.length === 0 ? 'ok' : 'problem');
        status.textContent = drawn + ' of ' + charts.length + ' charts drawn'
            + (empty.length ? '; empty: ' + empty.join(', ') : '')
            + (errors.length ? '; script errors: ' + errors.join(' | ') : '');
      })();
      """;
}
