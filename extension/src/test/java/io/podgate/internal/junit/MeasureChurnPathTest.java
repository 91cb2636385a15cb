package io.podgate.internal.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.Podgate;
import io.podgate.measure.ChurnOptions;
import io.podgate.measure.ChurnResult;
import io.podgate.measure.Measure;
import io.podgate.testsupport.FixtureOnly;
import io.podgate.testsupport.Fixtures;
import io.podgate.testsupport.RequiresContainerd;
import io.podgate.testsupport.SessionTestBase;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;

/** measure.churn().path(CONTAINERD) reaches containerd's own API through the session's backend. */
@RequiresContainerd
class MeasureChurnPathTest extends SessionTestBase {
  static final AtomicReference<ChurnResult> RESULT = new AtomicReference<>();

  @Podgate
  @ExtendWith(FixtureOnly.class)
  static class Churned {
    @Test
    void churnsThroughContainerd(Measure measure) {
      RESULT.set(measure.churn().path(ChurnOptions.Path.CONTAINERD).workers(2).cycles(4).command("/bin/true").run());
    }
  }

  @Test
  void containerdPathRunsThroughTheBackendsCapability() {
    EngineExecutionResults results = Fixtures.run(Churned.class);
    assertThat(results.testEvents().failed().count()).as(Fixtures.failures(results)).isZero();
    ChurnResult r = RESULT.get();
    assertThat(r.path()).isEqualTo(ChurnOptions.Path.CONTAINERD);
    assertThat(r.failureMessages()).isEmpty();
    assertThat(r.cycles()).isEqualTo(4);
    assertThat(r.latencies().keySet()).containsExactlyElementsOf(ChurnResult.containerdOperations());
    assertThat(r.summary()).contains("through containerd's API");
    List<Map<String, String>> entries = results.allEvents().reportingEntryPublished().stream()
        .map(Event::getPayload).map(p -> ((ReportEntry) p.orElseThrow()).getKeyValuePairs()).toList();
    assertThat(entries).anySatisfy(e -> assertThat(e.get("podgate.churn")).startsWith("CONTAINERD path, 2 worker(s)"));
  }
}
