package io.podgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver runs classes through the launcher in order and writes a timeline WaitTimeline reads. */
class WaitDriverTest {
  static final String SAMPLE = WaitDriverSampleClass.class.getName();
  static final String FAILING = WaitDriverFailingSampleClass.class.getName();

  @Test
  void recordsPlanClassTestsReadyAndEngineEndInOrder(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("t");
    int status = WaitDriver.run(new String[] {"--out", out.toString(), SAMPLE});

    assertThat(status).isZero();
    WaitTimeline t = WaitTimeline.parse(Files.readAllLines(out));
    assertThat(t.failures()).isEmpty();
    assertThat(t.tests(SAMPLE)).extracting(WaitTimeline.Test::name)
        .containsExactlyInAnyOrder(SAMPLE + "#first", SAMPLE + "#second");
    assertThat(t.planStart()).isLessThanOrEqualTo(t.classStart(SAMPLE));
    assertThat(t.classStart(SAMPLE)).isLessThan(t.ready(SAMPLE));
    assertThat(t.ready(SAMPLE)).isLessThanOrEqualTo(t.classEnd(SAMPLE));
    assertThat(t.classEnd(SAMPLE)).isLessThanOrEqualTo(t.engineEnd());
    assertThat(t.engineEnd()).isLessThanOrEqualTo(t.planEnd());
    assertThat(t.planEnd()).isLessThanOrEqualTo(t.launcherReturned());
    assertThat(t.entries(SAMPLE)).isEmpty();
  }

  @Test
  void withCpuTheClassesCpuFromStartToEndIsRecordedAndOnlyForThatClass(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("t");
    int status = WaitDriver.run(new String[] {"--out", out.toString(), "--cpu", SAMPLE, SAMPLE, FAILING});

    assertThat(status).isEqualTo(1);
    WaitTimeline t = WaitTimeline.parse(Files.readAllLines(out));
    assertThat(t.cpu(SAMPLE)).hasValueSatisfying(cpu -> {
      assertThat(cpu.jvmMs()).isNotNegative();
      assertThat(cpu.machineMs()).isGreaterThanOrEqualTo(cpu.jvmMs() - 2 * CpuSnapshot.MS_PER_TICK);
    });
    assertThat(t.cpu(FAILING)).isEmpty();
  }

  @Test
  void aFailingTestMakesStatusOneAndIsRecorded(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("t");
    int status = WaitDriver.run(new String[] {"--out", out.toString(), SAMPLE, FAILING});

    assertThat(status).isEqualTo(1);
    WaitTimeline t = WaitTimeline.parse(Files.readAllLines(out));
    assertThat(t.failures()).singleElement().asString().contains("fails").contains("failing on purpose");
    assertThat(t.classEnd(SAMPLE)).as("classes run in @Order").isLessThanOrEqualTo(t.classStart(FAILING));
  }

  @Test
  void withoutOutOrClassesItSaysHowToUseIt() throws Exception {
    assertThat(WaitDriver.run(new String[] {SAMPLE})).isEqualTo(2);
    assertThat(WaitDriver.run(new String[] {"--out", "x"})).isEqualTo(2);
  }
}
