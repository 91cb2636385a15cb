package io.podgate.internal.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.measure.HttpLoadResult;
import io.podgate.measure.MetricDirection;
import io.podgate.measure.ThroughputResult;
import io.podgate.measure.PodgateReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {
  static final String HOSTILE = "<script>alert('pwn')</script> & \"quoted\" <img src=x onerror=alert(1)>";
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T10:05:00Z"), ZoneOffset.UTC);

  @TempDir Path dir;

  /** Writes one measurement of every kind into one test, plus targets, and returns index.html. */
  static Path writeEveryKind(Path dir, String testId, String displayName, String label) {
    ReportRecorder rec = new ReportRecorder(CLOCK);
    PodgateReport r = rec.forTest(testId, displayName);
    r.throughput(SampleResults.throughput(label, 11));
    r.http(label, SampleResults.http(12));
    r.comparison(label, SampleResults.comparison(13));
    r.churn(label, SampleResults.churn(14));
    r.criLatency(label, SampleResults.criLatency(15));
    r.target(label, 212, 300, "ms", MetricDirection.LOWER_IS_BETTER);
    r.target("req/s " + label, 900, 1000, "req/s", MetricDirection.HIGHER_IS_BETTER);
    return new ReportWriter(dir, "run-html", Instant.parse("2026-11-28T10:00:00Z"), CLOCK).write(rec).index();
  }

  @Test
  void everyStringFromATestIsEscaped() throws Exception {
    String html = Files.readString(writeEveryKind(dir, "id " + HOSTILE, "name " + HOSTILE, "label " + HOSTILE));

    assertThat(html).doesNotContain("<script>alert", "<img", "onerror=alert(1)>", "'pwn'", "\"quoted\"");
    assertThat(html).contains("&lt;script&gt;alert(&#39;pwn&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;");
    assertThat(count(html, "<script")).as("only podgate's own two scripts").isEqualTo(2);
    assertThat(count(html, "<img")).isZero();
  }

  @Test
  void thereIsAChartWithDrawnMarksForEveryKind() throws Exception {
    String html = Files.readString(writeEveryKind(dir, "Every#kind", "every kind", "sample"));

    for (String kind : List.of("throughput", "latency", "requests", "comparison-values", "comparison", "churn",
        "cri-latency")) {
      List<String> svgs = svgsOf(html, kind);
      assertThat(svgs).as("svg for " + kind).hasSize(1);
      String svg = svgs.get(0);
      String data = svg.substring(svg.indexOf("<g class=\"data\""), svg.indexOf("</g>", svg.indexOf("<g class=\"data\"")));
      assertThat(data).as("drawn marks of " + kind).containsPattern("<(path|rect|circle) ");
      assertThat(svg).as("title of " + kind).contains("<title id=").contains("class=\"chart-title\"");
      assertThat(count(svg, "class=\"axis-label\"")).as("axis labels of " + kind).isEqualTo(2);
    }
    assertThat(html).contains("threshold 15 %");
    assertThat(count(html, "<table class=\"figures")).as("a figure table per measurement").isEqualTo(5);
    assertThat(html).as("throughput and HTTP name their path").contains("<th>via</th><td>"
        + ThroughputResult.DIRECT.replace("'", "&#39;") + "</td>").contains("<th>via</th><td>" + HttpLoadResult.DIRECT + "</td>");
  }

  @Test
  void podChurnHasAPodLatencyChartWithBarsPerConditionAndQuantile() throws Exception {
    ReportRecorder rec = new ReportRecorder(CLOCK);
    rec.forTest("Pods#churn", "pod churn").churn(SampleResults.podChurn(22));
    String html = Files.readString(new ReportWriter(dir, "run-pods", Instant.parse("2026-11-28T10:00:00Z"), CLOCK)
        .write(rec).index());

    assertThat(svgsOf(html, "churn")).hasSize(1);
    List<String> svgs = svgsOf(html, "pod-latency");
    assertThat(svgs).hasSize(1);
    assertThat(count(svgs.get(0), "class=\"bar\"")).as("p50, p95 and p99 bars of four conditions").isEqualTo(12);
    assertThat(svgs.get(0)).contains("Ready p99 ").contains("PodSchedul…").contains("Pod latency by condition");
    assertThat(html).contains("pod latency ContainersReady").contains("<th>path / mode</th><td>POD_API</td>");
    assertThat(svgsOf(writeEveryKindHtml(), "pod-latency")).as("CRI churn has no pod latencies").isEmpty();
  }

  private String writeEveryKindHtml() throws Exception {
    return Files.readString(writeEveryKind(dir.resolve("every"), "Every#kind", "every kind", "sample"));
  }

  @Test
  void pageLoadsNothingFromOutside() throws Exception {
    String html = Files.readString(writeEveryKind(dir, "Every#kind", "every kind", "sample"));

    String withoutNamespace = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assertThat(withoutNamespace).doesNotContainPattern("(?i)(src|href)\\s*=\\s*\"(https?:)?//");
    assertThat(withoutNamespace).doesNotContainPattern("(?i)<link|@import|url\\(\\s*['\"]?https?:");
    assertThat(html).contains("Content-Security-Policy").contains("default-src 'none'");
  }

  private static List<String> svgsOf(String html, String kind) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("<svg class=\"chart\" data-chart=\"" + Pattern.quote(kind) + "\".*?</svg>",
        Pattern.DOTALL).matcher(html);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  static int count(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
