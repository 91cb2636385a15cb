package io.podgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.podgate.internal.report.ReportWriter;
import io.podgate.measure.ChurnResult;
import io.podgate.testsupport.RequiresContainerd;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
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

/**
 * The cluster bench ({@code ci/bench --backend local-cluster}) in quick mode on a real local cluster: every table
 * and target present with positive figures, each network figure naming its path, and the cluster gone after.
 * Bridge, subnet, work directory and node address come from the module's surefire properties.
 */
@RequiresContainerd
class ClusterBenchmarkQuickTest {

  @Test
  @Timeout(600)
  void quickRunOnTheLocalClusterPrintsEveryTableAndWritesEveryTarget() throws Exception {
    String bridge = System.getProperty("podgate.bridge");
    Path work = Path.of(System.getProperty("podgate.workdir"));
    Path reportDir = Path.of("target", "podgate-bench-cluster-quick-test");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream tee = new PrintStream(new Tee(bytes, System.out), true, StandardCharsets.UTF_8);
    ClusterBenchmark.Settings settings = new ClusterBenchmark.Settings("quick", SeedBenchmark.Sizes.quick(), bridge,
        System.getProperty("podgate.subnet"), System.getProperty("podgate.localCluster.nodeIp"), work, reportDir);
    Set<Path> workBefore = runDirs(work);

    SeedBenchmark.Outcome o = ClusterBenchmark.run(settings, tee);
    String out = bytes.toString(StandardCharsets.UTF_8);

    assertThat(o.failedSections()).as("failed sections; output:%n%s", out).isEmpty();
    for (String table : List.of(ClusterBenchmark.SKIPPED_CRI_LATENCY, ClusterBenchmark.SKIPPED_CRI_CHURN,
        "Churn rate: pods through the Kubernetes API", "Pod latency (kube-burner podLatency", "Throughput, iperf3",
        "host->pod (pod-ip)", "pod->pod (pod-ip)", "Seed layout: node-to-node", "HTTP, podgate load generator",
        "nginx in the pod (pod-ip)", "Latency", "Req/Sec", "podgate vs wrk", "Targets")) {
      assertThat(out).as("printed").contains(table);
    }
    for (String condition : ChurnResult.podConditions()) {
      assertThat(out).as("pod-latency row of %s", condition).containsPattern("\\n2 +" + condition + " +[1-9]");
    }

    JsonNode summary = new ObjectMapper().readTree(o.summary().toFile());
    assertThat(o.summary()).isAbsolute().hasFileName(ReportWriter.SUMMARY_FILE);
    assertThat(summary.path("schema").asText()).isEqualTo(ReportWriter.SUMMARY_SCHEMA);
    List<String> names = new ArrayList<>();
    for (JsonNode t : summary.path("targets")) {
      names.add(t.path("name").asText());
      assertThat(t.path("value").isNumber()).as("value of %s", t).isTrue();
      if (t.path("unit").asText().equals("% difference")) {
        assertThat(t.path("value").asDouble()).as("value of %s", t).isGreaterThanOrEqualTo(0);
      } else {
        assertThat(t.path("value").asDouble()).as("value of %s", t).isPositive();
      }
      assertThat(t.path("target").asDouble()).as("target of %s", t).isPositive();
      assertThat(t.path("verdict").asText()).as("verdict of %s", t).isIn("pass", "fail");
    }
    assertThat(names).containsExactlyInAnyOrder(SeedBenchmark.TARGET_WRK_RATIO, SeedBenchmark.TARGET_WRK_P50,
        SeedBenchmark.TARGET_WRK_P99);

    List<String> kinds = new ArrayList<>();
    List<JsonNode> churns = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (JsonNode m : summary.path("tests").get(0).path("measurements")) {
      kinds.add(m.path("kind").asText());
      labels.add(m.path("label").asText());
      if (m.path("kind").asText().equals("churn")) {
        churns.add(m);
      }
    }
    assertThat(kinds).contains("churn", "throughput", "comparison", "http");
    assertThat(labels).anyMatch(l -> l.contains("pod nginx (pod-ip)")).anyMatch(l -> l.contains("host->pod (pod-ip)"));
    assertThat(churns).hasSize(2).allSatisfy(c -> {
      assertThat(c.path("label").asText()).startsWith("pod churn through the API");
      assertThat(c.path("headline").path("cycles").asLong()).isPositive();
      JsonNode quantiles = c.path("headline").path("podLatencyMs");
      List<String> conditions = new ArrayList<>();
      quantiles.fieldNames().forEachRemaining(conditions::add);
      assertThat(conditions).containsExactlyElementsOf(ChurnResult.podConditions());
      for (String condition : conditions) {
        for (String q : List.of("p50", "p95", "p99", "max")) {
          assertThat(quantiles.path(condition).path(q).asDouble()).as("%s %s of %s", condition, q, c).isPositive();
        }
      }
    });
    assertThat(o.index()).exists();
    assertThat(Files.readString(o.index())).contains("<svg");

    assertThat(Path.of("/sys/class/net/" + bridge)).as("the node's bridge is removed").doesNotExist();
    assertThat(ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
        .filter(c -> c.contains(work.toString()) && (c.contains("kubelet") || c.contains("kube-apiserver")
            || c.contains("etcd") || c.contains("containerd ")))).as("cluster processes left").isEmpty();
    assertThat(runDirs(work)).as("the run's work directory is deleted").isSubsetOf(workBefore);
  }

  private static Set<Path> runDirs(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return Set.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return Set.copyOf(s.filter(p -> p.getFileName().toString().startsWith("cluster-")).toList());
    }
  }

  /** Copies everything to two streams, so the run is visible in the test log and checkable. */
  private static final class Tee extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    Tee(OutputStream a, OutputStream b) {
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
