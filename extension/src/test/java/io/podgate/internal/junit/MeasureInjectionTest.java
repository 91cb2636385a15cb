package io.podgate.internal.junit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.podgate.measure.HttpLoadResult;
import io.podgate.measure.Measure;
import io.podgate.measure.MetricDirection;
import io.podgate.Podgate;
import io.podgate.assertj.PodgateAssertions;
import io.podgate.measure.PodgateReport;
import io.podgate.measure.Throughput;
import io.podgate.measure.ThroughputResult;
import io.podgate.internal.report.ReportWriter;
import io.podgate.testsupport.FixtureOnly;
import io.podgate.testsupport.Fixtures;
import io.podgate.testsupport.RequiresContainerd;
import io.podgate.testsupport.SessionTestBase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;

/**
 * Measure and PodgateReport reach test parameters; what a test measures through them is published
 * as JUnit report entries and written to the report files; long runs print progress; the host
 * nginx baseline is stopped when the test ends.
 */
@RequiresContainerd
class MeasureInjectionTest extends SessionTestBase {
  static final AtomicReference<String> NGINX_URL = new AtomicReference<>();

  @Podgate
  @ExtendWith(FixtureOnly.class)
  static class Measured {
    @Test
    void measuresThroughputAndHttp(Measure measure, PodgateReport report) {
      ThroughputResult t = measure.throughput(Throughput.loopback()).durationSeconds(6).run();
      PodgateAssertions.assertThat(t).hasLabel("loopback -M 1448").usedMss(1448);
      NGINX_URL.set(measure.hostNginx());
      HttpLoadResult h = measure.http(NGINX_URL.get()).label("host nginx").connections(2).seconds(1).run();
      PodgateAssertions.assertThat(h).hasNoErrors().hasNoNon2xx();
      report.target("made up figure", 1, 2, "things", MetricDirection.LOWER_IS_BETTER);
    }
  }

  @Test
  void measurementsArePublishedRecordedAndProgressIsPrinted(@TempDir Path reports) throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    EngineExecutionResults results;
    System.setProperty(ReportWriter.DIR_PROPERTY, reports.toString());
    System.setOut(new PrintStream(new TeeStream(original, captured), true, StandardCharsets.UTF_8));
    try {
      results = Fixtures.run(Measured.class);
    } finally {
      System.setOut(original);
      System.clearProperty(ReportWriter.DIR_PROPERTY);
    }
    assertThat(results.testEvents().failed().count()).as(Fixtures.failures(results)).isZero();
    assertThat(results.testEvents().succeeded().count()).isEqualTo(1);

    List<Map<String, String>> entries = results.allEvents().reportingEntryPublished().stream()
        .map(Event::getPayload).map(p -> ((ReportEntry) p.orElseThrow()).getKeyValuePairs()).toList();
    assertThat(entries).anySatisfy(e -> {
      assertThat(e).containsEntry("podgate.throughput", "loopback -M 1448");
      assertThat(Double.parseDouble(e.get("podgate.throughput.receiverBitsPerSecond"))).isPositive();
    });
    assertThat(entries).anySatisfy(e -> {
      assertThat(e).containsEntry("podgate.http", "host nginx").containsEntry("podgate.http.errors", "0");
      assertThat(e).containsKey("podgate.http.latencyP99Ms");
    });
    assertThat(entries).anySatisfy(e -> assertThat(e).containsEntry("podgate.target", "made up figure")
        .containsEntry("podgate.target.verdict", "pass"));

    JsonNode summary = new ObjectMapper().readTree(reports.resolve("summary.json").toFile());
    JsonNode test = summary.path("tests").get(0);
    assertThat(test.path("id").asText()).contains("measuresThroughputAndHttp");
    assertThat(test.path("measurements")).extracting(m -> m.path("kind").asText() + ":" + m.path("label").asText())
        .containsExactly("throughput:loopback -M 1448", "http:host nginx");
    assertThat(summary.path("targets").get(0).path("name").asText()).isEqualTo("made up figure");
    assertThat(Files.exists(reports.resolve("index.html"))).isTrue();

    String out = captured.toString(StandardCharsets.UTF_8);
    assertThat(out).as("progress of a 6 s iperf3 run").contains("[podgate] iperf3 loopback -M 1448: running for 5 s");
    assertThat(out).contains("[podgate] HTTP load host nginx:");

    URI nginx = URI.create(NGINX_URL.get());
    assertThat(Fixtures.tcpOpen(nginx.getHost(), nginx.getPort())).as("host nginx %s after the test", nginx).isFalse();
  }

  /** Copies what is printed to the console as well as capturing it. */
  private static final class TeeStream extends java.io.OutputStream {
    private final PrintStream console;
    private final ByteArrayOutputStream copy;

    TeeStream(PrintStream console, ByteArrayOutputStream copy) {
      this.console = console;
      this.copy = copy;
    }

    @Override
    public synchronized void write(int b) {
      console.write(b);
      copy.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      console.write(b, off, len);
      copy.write(b, off, len);
    }
  }
}
