package io.podgate.bench;

import io.podgate.Pod;
import io.podgate.measure.Throughput;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.podgate.internal.report.ReportWriter;
import io.podgate.testsupport.RequiresContainerd;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The seed benchmark in quick mode end to end on an embedded containerd (bench bridge pgben0). */
@RequiresContainerd
class SeedBenchmarkQuickTest {
  private static final Path WORK = Path.of("/tmp/pg-bench");
  private static final String BRIDGE = "pgben0";
  private static final String SUBNET = "10.206.0.0/24";

  @Test
  @Timeout(180)
  void quickRunWritesEverySectionAndAllTargets() throws Exception {
    Path reportDir = Path.of("target", "podgate-bench-quick-test");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream tee = new PrintStream(new TeeStream(bytes, System.out), true, StandardCharsets.UTF_8);
    SeedBenchmark.Settings settings = new SeedBenchmark.Settings("quick", SeedBenchmark.Sizes.quick(), null,
        BRIDGE, SUBNET, WORK, reportDir);
    Set<Path> workBefore = children(WORK);

    SeedBenchmark.Outcome o = SeedBenchmark.run(settings, tee);
    String out = bytes.toString(StandardCharsets.UTF_8);

    assertThat(o.failedSections()).as("failed sections; output:%n%s", out).isEmpty();
    for (String table : List.of("Pod lifecycle timings", "Churn rate", "Throughput, iperf3", "Seed layout: node-to-node",
        "HTTP, podgate load generator", "Latency", "Req/Sec", "podgate vs wrk", "Targets")) {
      assertThat(out).as("printed table").contains(table);
    }
    JsonNode summary = new ObjectMapper().readTree(o.summary().toFile());
    assertThat(o.summary()).isAbsolute().hasFileName(ReportWriter.SUMMARY_FILE);
    assertThat(summary.path("schema").asText()).isEqualTo(ReportWriter.SUMMARY_SCHEMA);
    List<String> required = new ArrayList<>();
    CriLatencyBenchmark.OPERATIONS.forEach(op -> required.add(SeedBenchmark.criSameRunTarget(op)));
    required.addAll(List.of(SeedBenchmark.TARGET_CHURN_2, SeedBenchmark.TARGET_CHURN_2_CONTAINERD_PATH,
        SeedBenchmark.TARGET_CHURN_10, SeedBenchmark.TARGET_CHURN_10_CONTAINERD_PATH, SeedBenchmark.TARGET_WRK_RATIO,
        SeedBenchmark.TARGET_WRK_P50, SeedBenchmark.TARGET_WRK_P99));
    List<String> names = new ArrayList<>();
    for (JsonNode t : summary.path("targets")) {
      names.add(t.path("name").asText());
      assertThat(t.path("value").isNumber()).as("value of %s", t).isTrue();
      if (!t.path("unit").asText().equals("% difference")) {
        assertThat(t.path("value").asDouble()).as("value of %s", t).isPositive();
      } else {
        assertThat(t.path("value").asDouble()).as("value of %s", t).isGreaterThanOrEqualTo(0);
      }
      assertThat(t.path("target").asDouble()).as("target of %s", t).isPositive();
      assertThat(t.path("verdict").asText()).as("verdict of %s", t).isIn("pass", "fail");
      boolean atLeast = t.path("direction").asText().equals("at-least");
      boolean pass = atLeast ? t.path("value").asDouble() >= t.path("target").asDouble()
          : t.path("value").asDouble() <= t.path("target").asDouble();
      assertThat(t.path("verdict").asText()).as("verdict of %s follows value and target", t)
          .isEqualTo(pass ? "pass" : "fail");
    }
    assertThat(names).containsAll(required);
    List<String> kinds = new ArrayList<>();
    summary.path("tests").get(0).path("measurements").forEach(m -> kinds.add(m.path("kind").asText()));
    assertThat(kinds).contains("cri-latency", "churn", "throughput", "comparison", "http");
    assertThat(o.index()).exists();
    assertThat(Files.readString(o.index())).contains("<svg");

    assertThat(Path.of("/sys/class/net/" + BRIDGE)).as("bridge removed").doesNotExist();
    assertThat(children(WORK)).as("the run's work directory is deleted").isSubsetOf(workBefore);
  }

  private static Set<Path> children(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return Set.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return Set.copyOf(s.filter(p -> p.getFileName().toString().startsWith("seed-")).toList());
    }
  }

  /** Copies everything to two streams, so the run is visible in the test log and checkable. */
  private static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final java.io.OutputStream b;

    TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public synchronized void write(int x) throws java.io.IOException {
      a.write(x);
      b.write(x);
    }

    @Override
    public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }
  }
}
