package io.podgate.internal.report;

import io.podgate.internal.measure.api.MeasureInternals;
import io.podgate.measure.ChurnResult;
import io.podgate.measure.Verdict;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.podgate.measure.ComparisonResult;
import io.podgate.measure.HttpLoadResult;
import io.podgate.measure.MetricDirection;
import io.podgate.measure.PodgateReport;
import io.podgate.measure.ThroughputResult;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {
  private static final Instant RUN_START = Instant.parse("2026-11-28T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T10:05:00Z"), ZoneOffset.UTC);
  private final ObjectMapper mapper = new ObjectMapper();

  @TempDir Path dir;

  private ReportWriter writer() {
    return new ReportWriter(dir, "run-1", RUN_START, CLOCK);
  }

  @Test
  void summaryHoldsEveryDocumentedFieldOfEachMeasurementAndTarget() throws Exception {
    ReportRecorder rec = new ReportRecorder(CLOCK);
    ThroughputResult tp = SampleResults.throughput("host->pod", 1);
    HttpLoadResult http = SampleResults.http(2);
    ComparisonResult cmp = SampleResults.comparison(3);
    PodgateReport report = rec.forTest("[class:a.B]/[method:all()]", "all kinds");
    report.throughput(tp);
    report.http("nginx via pod IP", http);
    report.comparison(cmp);
    report.criLatency("pod lifecycle", SampleResults.criLatency(4));
    io.podgate.measure.ChurnResult churn = SampleResults.churn(5);
    report.churn(churn);
    boolean met = report.target("pod start p50", 212.5, 300, "ms", MetricDirection.LOWER_IS_BETTER);
    boolean missed = report.target("req/s", 900, 1000, "req/s", MetricDirection.HIGHER_IS_BETTER);

    ReportWriter.Written w = writer().write(rec);

    assertThat(met).isTrue();
    assertThat(missed).isFalse();
    JsonNode s = mapper.readTree(w.summary().toFile());
    assertThat(s.path("schema").asText()).isEqualTo("podgate.summary/v1");
    assertThat(Instant.parse(s.path("generatedAt").asText())).isEqualTo(CLOCK.instant());
    assertThat(s.path("tests")).hasSize(1);
    JsonNode t = s.path("tests").get(0);
    assertThat(t.path("id").asText()).isEqualTo("[class:a.B]/[method:all()]");
    assertThat(t.path("displayName").asText()).isEqualTo("all kinds");
    assertThat(dir.resolve(t.path("file").asText())).isEqualTo(w.testFiles().get(0)).exists();
    JsonNode ms = t.path("measurements");
    assertThat(ms).hasSize(5);
    assertThat(ms.findValuesAsText("kind")).containsExactly("throughput", "http", "comparison", "cri-latency", "churn");
    assertThat(ms.findValuesAsText("label")).containsExactly("host->pod", "nginx via pod IP",
        ReportEntries.comparisonLabel(cmp), "pod lifecycle", "POD_PER_CYCLE, 2 worker(s), podgate/busybox:1");
    assertThat(ms.get(4).path("headline").path("cyclesPerSecond").asDouble()).isEqualTo(churn.cyclesPerSecond());
    assertThat(ms.get(4).path("headline").path("cycles").asLong()).isEqualTo(churn.cycles());
    assertThat(ms.get(4).path("headline").path("failures").asLong()).isEqualTo(1);
    assertThat(ms.get(0).path("headline").path("receiverBitsPerSecond").asDouble()).isEqualTo(tp.receiverBitsPerSecond());
    assertThat(ms.get(0).path("headline").path("retransmits").asLong()).isEqualTo(tp.retransmits());
    assertThat(ms.get(1).path("headline").path("latencyP99Ms").asDouble()).isEqualTo(http.latency().p99());
    assertThat(ms.get(1).path("headline").path("requestsPerSecondAvg").asDouble()).isEqualTo(http.requestsPerSecond().avg());
    assertThat(ms.get(2).path("headline").path("verdict").asText()).isEqualTo(cmp.verdict().name());
    assertThat(ms.get(2).path("headline").path("medianOverhead").asDouble()).isEqualTo(cmp.medianOverhead());
    assertThat(ms.get(2).path("headline").path("threshold").asDouble()).isEqualTo(0.15);
    assertThat(ms.get(2).path("headline").path("rounds").asInt()).isEqualTo(cmp.rounds());
    assertThat(ms.get(3).path("headline").path("operations").asInt()).isEqualTo(6);
    assertThat(ms.get(3).path("headline").path("samples").asInt()).isEqualTo(120);
    for (JsonNode m : ms) {
      assertThat(m.has("series")).as("summary keeps series out").isFalse();
    }

    JsonNode targets = s.path("targets");
    assertThat(targets).hasSize(2);
    assertThat(targets.get(0).path("name").asText()).isEqualTo("pod start p50");
    assertThat(targets.get(0).path("value").asDouble()).isEqualTo(212.5);
    assertThat(targets.get(0).path("target").asDouble()).isEqualTo(300);
    assertThat(targets.get(0).path("unit").asText()).isEqualTo("ms");
    assertThat(targets.get(0).path("verdict").asText()).isEqualTo("pass");
    assertThat(targets.get(0).path("direction").asText()).isEqualTo("at-most");
    assertThat(targets.get(1).path("verdict").asText()).isEqualTo("fail");
    assertThat(targets.get(1).path("direction").asText()).isEqualTo("at-least");
    assertThat(targets.get(1).path("test").asText()).isEqualTo("[class:a.B]/[method:all()]");
  }

  @Test
  void testFileHoldsTheSeriesAndTheHistogramReadsBack() throws Exception {
    ReportRecorder rec = new ReportRecorder(CLOCK);
    ThroughputResult tp = SampleResults.throughput("host->pod", 5).withVia("client pod ns/c-1 on node n1, hostNetwork");
    HttpLoadResult http = SampleResults.http(6);
    ComparisonResult cmp = SampleResults.comparison(7);
    rec.throughput("t", tp);
    rec.http("t", "nginx", http);
    rec.comparison("t", "gate", cmp);
    io.podgate.measure.ChurnResult churn = SampleResults.churn(9);
    rec.churn("t", "churn", churn);

    Path file = writer().write(rec).testFiles().get(0);
    JsonNode t = mapper.readTree(file.toFile());

    assertThat(t.path("schema").asText()).isEqualTo("podgate.test/v1");
    assertThat(t.path("runId").asText()).isEqualTo("run-1");
    JsonNode m = t.path("measurements");
    assertThat(m.get(0).path("timestamp").asText()).isEqualTo(CLOCK.instant().toString());
    assertThat(m.get(0).path("figures").path("via").asText()).isEqualTo("client pod ns/c-1 on node n1, hostNetwork");
    assertThat(m.get(1).path("figures").path("via").asText()).isEqualTo(HttpLoadResult.DIRECT);
    JsonNode intervals = m.get(0).path("series").path("intervals");
    assertThat(intervals).hasSize(tp.intervals().size());
    assertThat(intervals.get(0).path("omitted").asBoolean()).isTrue();
    assertThat(intervals.get(3).path("bitsPerSecond").asDouble()).isEqualTo(tp.intervals().get(3).bitsPerSecond());
    assertThat(m.get(0).path("figures").path("mss").asInt()).isEqualTo(1448);

    assertThat(m.get(1).path("series").path("requestsPerSecond")).hasSize(http.requestsPerSecondSeries().size());
    assertThat(m.get(1).path("series").path("latencyDistribution")).hasSize(http.latencyDistribution().size());
    byte[] encoded = Base64.getDecoder().decode(m.get(1).path("figures").path("latencyHistogramMicros").asText());
    Histogram back = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(encoded), 0);
    assertThat(back.getTotalCount()).isEqualTo(MeasureInternals.access().latencyHistogram(http).getTotalCount());
    assertThat(back.getValueAtPercentile(99)).isEqualTo(MeasureInternals.access().latencyHistogram(http).getValueAtPercentile(99));

    JsonNode rounds = m.get(2).path("series").path("rounds");
    assertThat(rounds).hasSize(cmp.rounds());
    assertThat(rounds.get(0).path("overhead").asDouble()).isEqualTo(cmp.overheads().get(0));
    assertThat(m.get(2).path("figures").path("baseline").asText()).isEqualTo(cmp.baselineDescription());

    assertThat(m.get(3).path("series").path("cyclesPerSecond")).hasSize(churn.completedPerSecond().size());
    assertThat(m.get(3).path("series").path("cyclesPerSecond").get(5).asLong()).isEqualTo(churn.completedPerSecond().get(5));
    JsonNode ops = m.get(3).path("figures").path("operations");
    assertThat(ops).hasSize(churn.latencies().size());
    assertThat(ops.get(0).path("p99Ms").asDouble())
        .isEqualTo(churn.latency(io.podgate.measure.ChurnResult.RUN_POD_SANDBOX).p99Millis());
    assertThat(m.get(3).path("figures").path("failureMessages").get(0).asText())
        .isEqualTo(churn.failureMessages().get(0));
  }

  @Test
  void podChurnWritesThePodLatencyQuantilesByCondition() throws Exception {
    ReportRecorder rec = new ReportRecorder(CLOCK);
    io.podgate.measure.ChurnResult churn = SampleResults.podChurn(21);
    rec.forTest("t", "pods").churn(churn);

    JsonNode m = mapper.readTree(writer().write(rec).testFiles().get(0).toFile()).path("measurements").get(0);

    assertThat(m.path("label").asText()).isEqualTo("POD_API path, 2 worker(s), podgate.local/busybox:1");
    assertThat(m.path("figures").path("path").asText()).isEqualTo("POD_API");
    JsonNode pods = m.path("figures").path("podLatency");
    assertThat(pods.findValuesAsText("condition")).containsExactly("PodScheduled", "Initialized", "ContainersReady", "Ready");
    io.podgate.measure.ChurnResult.PodLatency ready = churn.podLatency("Ready");
    assertThat(pods.get(3).path("count").asLong()).isEqualTo(ready.count());
    assertThat(pods.get(3).path("p50Ms").asDouble()).isEqualTo(ready.p50Millis());
    assertThat(pods.get(3).path("p95Ms").asDouble()).isEqualTo(ready.p95Millis());
    assertThat(pods.get(3).path("p99Ms").asDouble()).isEqualTo(ready.p99Millis());
    assertThat(pods.get(3).path("maxMs").asDouble()).isEqualTo(ready.maxMillis());
    assertThat(pods.get(3).path("avgMs").asDouble()).isEqualTo(ready.avgMillis());
    assertThat(m.path("figures").path("operations").findValuesAsText("operation"))
        .containsExactly("CreatePod", "AwaitPodDone", "DeletePod", "AwaitPodGone");
  }

  @Test
  void unboundedIntervalIsWrittenAsNullNotAsAString() throws Exception {
    ComparisonResult few = SampleResults.comparison(8);
    ComparisonResult unbounded = new ComparisonResult(few.baselineDescription(), few.subjectDescription(),
        few.direction(), few.baselineValues(), few.subjectValues(), few.overheads(), few.medianOverhead(),
        Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 1.0, 0.95, java.util.OptionalDouble.empty(),
        few.maxRounds(), io.podgate.measure.Verdict.UNGATED, "plain comparison");
    ReportRecorder rec = new ReportRecorder(CLOCK);
    rec.comparison("t", "plain", unbounded);

    JsonNode s = mapper.readTree(writer().write(rec).summary().toFile());

    JsonNode h = s.path("tests").get(0).path("measurements").get(0).path("headline");
    assertThat(h.get("ciLow").isNull()).isTrue();
    assertThat(h.get("ciHigh").isNull()).isTrue();
    assertThat(h.get("threshold").isNull()).isTrue();
    assertThat(h.path("verdict").asText()).isEqualTo("UNGATED");
  }

  @Test
  void laterWritesOfTheSameRunMergeIntoOneSummary() throws Exception {
    ReportWriter w = writer();
    ReportRecorder firstClass = new ReportRecorder(CLOCK);
    firstClass.throughput("A#one", SampleResults.throughput("a", 1));
    w.write(firstClass);
    ReportRecorder secondClass = new ReportRecorder(CLOCK);
    secondClass.http("B#two", "b", SampleResults.http(2));
    secondClass.target("B#two", new ReportTarget("x", 1, 2, "s", MetricDirection.LOWER_IS_BETTER));

    ReportWriter.Written out = new ReportWriter(dir, "run-1", RUN_START, CLOCK).write(secondClass);

    JsonNode s = mapper.readTree(out.summary().toFile());
    assertThat(s.path("tests").findValuesAsText("id")).containsExactly("A#one", "B#two");
    assertThat(s.path("targets")).hasSize(1);
    assertThat(Files.readString(out.index())).contains("A#one", "B#two");
  }

  @Test
  void writersOfParallelClassesDoNotTripOverEachOther() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int c = 0; c < 4; c++) {
        ReportRecorder rec = new ReportRecorder(CLOCK);
        rec.throughput("Class" + c + "#test", SampleResults.throughput("c" + c, c));
        futures.add(pool.submit(() -> writer().write(rec)));
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    JsonNode s = mapper.readTree(dir.resolve("summary.json").toFile());
    assertThat(s.path("tests").findValuesAsText("id"))
        .containsExactly("Class0#test", "Class1#test", "Class2#test", "Class3#test");
  }

  @Test
  void filesOfAnEarlierRunAreDroppedButNewerOnesOfAParallelForkKept() throws Exception {
    String stale = "{\"schema\":\"podgate.test/v1\",\"runId\":\"old\",\"id\":\"Gone#test\","
        + "\"generatedAt\":\"2026-11-27T09:00:00Z\",\"measurements\":[],\"targets\":[]}";
    String fork = "{\"schema\":\"podgate.test/v1\",\"runId\":\"fork-2\",\"id\":\"Fork#test\","
        + "\"generatedAt\":\"2026-11-28T10:01:00Z\",\"measurements\":[],\"targets\":[]}";
    Files.writeString(dir.resolve("Gone.test.json"), stale);
    Files.writeString(dir.resolve("Fork.test.json"), fork);
    Files.writeString(dir.resolve("other-tool.json"), "{\"hello\":1}");
    Files.writeString(dir.resolve("broken.json"), "{not json");
    ReportRecorder rec = new ReportRecorder(CLOCK);
    rec.throughput("Now#test", SampleResults.throughput("now", 1));

    ReportWriter.Written out = writer().write(rec);

    JsonNode s = mapper.readTree(out.summary().toFile());
    assertThat(s.path("tests").findValuesAsText("id")).containsExactly("Fork#test", "Now#test");
    assertThat(dir.resolve("Gone.test.json")).doesNotExist();
    assertThat(dir.resolve("other-tool.json")).exists();
    assertThat(out.skipped()).anyMatch(x -> x.startsWith("other-tool.json"))
        .anyMatch(x -> x.startsWith("broken.json"));
  }

  @Test
  void parallelTestsRecordWithoutLosingAMeasurement() throws Exception {
    ReportRecorder rec = new ReportRecorder(CLOCK);
    ThroughputResult tp = SampleResults.throughput("p", 1);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    try {
      for (int thread = 0; thread < 8; thread++) {
        int n = thread;
        futures.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < 48; i++) {
            rec.throughput("test-" + (i % 4), tp.withLabel("thread " + n + " #" + i));
            rec.target("test-" + (i % 4), new ReportTarget("t" + n, i, 25, "x", MetricDirection.LOWER_IS_BETTER));
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    List<ReportRecorder.TestRecord> tests = rec.snapshot();
    assertThat(tests).hasSize(4);
    assertThat(tests).allSatisfy(t -> {
      assertThat(t.entries().size()).isEqualTo(96);
      assertThat(t.targets().size()).isEqualTo(96);
    });
    JsonNode s = mapper.readTree(writer().write(rec).summary().toFile());
    assertThat(s.path("tests").findValues("measurements").stream().mapToInt(JsonNode::size).sum()).isEqualTo(384);
    assertThat(s.path("targets").size()).isEqualTo(384);
  }

  @Test
  void targetVerdictFollowsTheDirectionAndFailsOnNonFiniteValues() {
    assertThat(new ReportTarget("a", 300, 300, "ms", MetricDirection.LOWER_IS_BETTER).verdict()).isEqualTo("pass");
    assertThat(new ReportTarget("a", 300.1, 300, "ms", MetricDirection.LOWER_IS_BETTER).verdict()).isEqualTo("fail");
    assertThat(new ReportTarget("b", 7.5, 7.5, "/s", MetricDirection.HIGHER_IS_BETTER).verdict()).isEqualTo("pass");
    assertThat(new ReportTarget("b", 7.4, 7.5, "/s", MetricDirection.HIGHER_IS_BETTER).verdict()).isEqualTo("fail");
    assertThat(new ReportTarget("c", Double.NaN, 1, "x", MetricDirection.LOWER_IS_BETTER).passed()).isFalse();
  }

  @Test
  void reportDirectoryComesFromTheSystemProperty() {
    String old = System.getProperty(ReportWriter.DIR_PROPERTY);
    try {
      System.setProperty(ReportWriter.DIR_PROPERTY, dir.resolve("custom").toString());
      assertThat(ReportWriter.fromSystemProperties().dir()).isEqualTo(dir.resolve("custom"));
      System.clearProperty(ReportWriter.DIR_PROPERTY);
      assertThat(ReportWriter.fromSystemProperties().dir()).isEqualTo(Path.of("target", "podgate"));
    } finally {
      if (old == null) {
        System.clearProperty(ReportWriter.DIR_PROPERTY);
      } else {
        System.setProperty(ReportWriter.DIR_PROPERTY, old);
      }
    }
  }
}
