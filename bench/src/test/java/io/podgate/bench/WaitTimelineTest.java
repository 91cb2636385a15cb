package io.podgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The wait driver's file read back: events per class and test, podgate's pod entries, failures. */
class WaitTimelineTest {
  static final String C = "io.podgate.bench.wait.podgate.OneNginx";
  static final List<String> LINES = List.of(
      "planStart\t\t1000000",
      "classStart\t" + C + "\t1500000",
      "entry\t" + C + "\t2000000\tpodgate.pod=default/nginx;podgate.pod.id=abc;podgate.pod.imagesMs=150;"
          + "podgate.pod.createMs=120;podgate.pod.startMs=40;podgate.pod.readyMs=5",
      "testStart\t" + C + "#answers\t2010000",
      "testEnd\t" + C + "#answers\t2050000",
      "classEnd\t" + C + "\t2300000",
      "engineEnd\t[engine:junit-jupiter]\t2400000",
      "planEnd\t\t2400100",
      "launcherReturned\t\t2400200",
      "ready\t" + C + "\t2040000");

  @Test
  void everyEventIsReadBackInMicroseconds() {
    WaitTimeline t = WaitTimeline.parse(LINES);
    assertThat(t.planStart()).isEqualTo(1_000_000);
    assertThat(t.classStart(C)).isEqualTo(1_500_000);
    assertThat(t.classEnd(C)).isEqualTo(2_300_000);
    assertThat(t.ready(C)).isEqualTo(2_040_000);
    assertThat(t.engineEnd()).isEqualTo(2_400_000);
    assertThat(t.planEnd()).isEqualTo(2_400_100);
    assertThat(t.launcherReturned()).isEqualTo(2_400_200);
    assertThat(t.tests(C)).containsExactly(new WaitTimeline.Test(C + "#answers", 2_010_000, 2_050_000));
    assertThat(t.tests(C).get(0).millis()).isEqualTo(40.0);
    assertThat(t.failures()).isEmpty();
  }

  @Test
  void podgatesEntryCarriesItsPhasesAndId() {
    WaitTimeline.Entry e = WaitTimeline.parse(LINES).entries(C).get(0);
    assertThat(e.micros()).isEqualTo(2_000_000);
    assertThat(e.values()).containsEntry("podgate.pod.id", "abc");
    assertThat(e.millis("podgate.pod.imagesMs")).contains(150L);
    assertThat(e.millis("podgate.pod.readyMs")).contains(5L);
    assertThat(e.millis("podgate.pod")).isEmpty();
    assertThat(e.millis("podgate.pod.absent")).isEmpty();
  }

  @Test
  void cpuLinesGiveTheClassesCpuBetweenStartAndEnd() {
    WaitTimeline t = WaitTimeline.parse(List.of(
        "cpuAtClassStart\t" + C + "\t1\tmachine=1000;jvm=200;daemons=300;shims=40;orphans=50",
        "cpuAtClassEnd\t" + C + "\t2\tmachine=1600;jvm=260;daemons=420;shims=40;orphans=90"));
    assertThat(t.cpu(C)).contains(new CpuSnapshot(600, 60, 120, 0, 40));
    assertThat(t.cpu(C + "Again")).isEmpty();
    assertThatThrownBy(() -> WaitTimeline.parse(List.of("cpuAtClassEnd\t" + C + "\t2\tmachine=lots")))
        .hasMessageContaining("line 1").hasMessageContaining("not numbers");
  }

  @Test
  void entriesAndTestsOfAnotherClassWithTheSamePrefixAreNotMixedIn() {
    WaitTimeline t = WaitTimeline.parse(List.of(
        "testStart\t" + C + "Again#answers\t1", "testEnd\t" + C + "Again#answers\t2",
        "entry\t" + C + "Again\t3\tpodgate.pod.createMs=1"));
    assertThat(t.tests(C)).isEmpty();
    assertThat(t.entries(C)).isEmpty();
    assertThat(t.entries(C + "Again")).hasSize(1);
  }

  @Test
  void failuresAreKept() {
    WaitTimeline t = WaitTimeline.parse(List.of("failure\t[engine:junit-jupiter]/[class:X]\t5\tFAILED: boom"));
    assertThat(t.failures()).containsExactly("[engine:junit-jupiter]/[class:X] FAILED: boom");
  }

  @Test
  void aMissingEventIsNamed() {
    WaitTimeline t = WaitTimeline.parse(List.of("planStart\t\t1"));
    assertThatThrownBy(() -> t.ready(C)).hasMessageContaining("readiness").hasMessageContaining(C);
    assertThatThrownBy(t::engineEnd).hasMessageContaining("engineEnd");
  }

  @Test
  void aBadLineIsNamedByNumber() {
    assertThatThrownBy(() -> WaitTimeline.parse(List.of("planStart\t\t1", "what\tx\t2")))
        .hasMessageContaining("line 2").hasMessageContaining("unknown kind 'what'");
    assertThatThrownBy(() -> WaitTimeline.parse(List.of("planStart\t\tsoon")))
        .hasMessageContaining("line 1").hasMessageContaining("'soon' is not a number");
    assertThatThrownBy(() -> WaitTimeline.parse(List.of("planStart")))
        .hasMessageContaining("fewer than 3 fields");
    assertThatThrownBy(() -> WaitTimeline.parse(List.of("testEnd\tX#m\t2")))
        .hasMessageContaining("never started");
  }
}
