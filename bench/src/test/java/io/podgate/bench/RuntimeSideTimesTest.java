package io.podgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** containerd's own time per CRI call, read from the lines its CRI plugin logs at info level. */
class RuntimeSideTimesTest {
  static final String POD = "02e1e68df3868d1dbec1827229780dfefc7efa280c6b5f92c9d4078a4f43ae72";
  static final String CONTAINER = "64249d6a4432a36d35f68bd2be6daee7b28fcea37b7314e20ad786104b6e70f0";
  static final List<String> LOG = List.of(
      "time=\"2026-11-28T05:27:57.909071941Z\" level=info msg=\"RunPodSandbox for &PodSandboxMetadata{Name:bench-a-1,Uid:u,Namespace:n,Attempt:0,}\"",
      "time=\"2026-11-28T05:27:57.909155219Z\" level=debug msg=\"Sandbox config &PodSandboxConfig{Metadata:&PodSandboxMetadata{Name:bench-a-1,}\"",
      "time=\"2026-11-28T05:27:58.063715842Z\" level=info msg=\"loading plugin \\\"io.containerd.event.v1.publisher\\\"...\" runtime=io.containerd.runc.v2",
      "time=\"2026-11-28T05:27:58.172523034Z\" level=info msg=\"RunPodSandbox for &PodSandboxMetadata{Name:bench-a-1,Uid:u,Namespace:n,Attempt:0,} returns sandbox id \\\"" + POD + "\\\"\"",
      "time=\"2026-11-28T05:27:58.178700985Z\" level=info msg=\"CreateContainer within sandbox \\\"" + POD + "\\\" for container &ContainerMetadata{Name:bench-a-1,Attempt:0,}\"",
      "time=\"2026-11-28T05:27:58.188544700Z\" level=info msg=\"CreateContainer within sandbox \\\"" + POD + "\\\" for &ContainerMetadata{Name:bench-a-1,Attempt:0,} returns container id \\\"" + CONTAINER + "\\\"\"",
      "time=\"2026-11-28T05:27:58.346369617Z\" level=info msg=\"StopContainer for \\\"" + CONTAINER + "\\\" with timeout 0 (s)\"",
      "time=\"2026-11-28T05:27:58.347429818Z\" level=info msg=\"Kill container \\\"" + CONTAINER + "\\\"\"",
      "time=\"2026-11-28T05:27:58.491992765Z\" level=info msg=\"StopContainer for \\\"" + CONTAINER + "\\\" returns successfully\"",
      "time=\"2026-11-28T05:27:58.726130277Z\" level=info msg=\"RemovePodSandbox for \\\"" + POD + "\\\"\"",
      "time=\"2026-11-28T05:27:58.779377394Z\" level=info msg=\"RemovePodSandbox \\\"" + POD + "\\\" returns successfully\"");

  @Test
  void eachCallLastsFromItsFirstLineToItsReturn() {
    RuntimeSideTimes times = RuntimeSideTimes.parse(LOG);
    assertThat(times.of(new RuntimeSideTimes.Call("RunPodSandbox", "Name:bench-a-1,"))).contains(Duration.ofNanos(263_451_093));
    assertThat(times.of(new RuntimeSideTimes.Call("CreateContainer", POD))).contains(Duration.ofNanos(9_843_715));
    assertThat(times.of(new RuntimeSideTimes.Call("StopContainer", CONTAINER))).contains(Duration.ofNanos(145_623_148));
    assertThat(times.of(new RuntimeSideTimes.Call("RemovePodSandbox", POD))).contains(Duration.ofNanos(53_247_117));
  }

  @Test
  void aCallThatNeverReturnedOrAnotherSubjectHasNoTime() {
    RuntimeSideTimes times = RuntimeSideTimes.parse(LOG);
    assertThat(times.of(new RuntimeSideTimes.Call("StartContainer", CONTAINER))).isEmpty();
    assertThat(times.of(new RuntimeSideTimes.Call("RunPodSandbox", "Name:bench-a-10,"))).isEmpty();
    assertThat(RuntimeSideTimes.parse(List.of("not containerd", "")).of(new RuntimeSideTimes.Call("StopContainer", CONTAINER)))
        .isEmpty();
  }

  @Test
  void anOperationMissingForOneCallGetsNoMedian() {
    Map<String, Double> medians = CriLatencyBenchmark.runtimeMedians(RuntimeSideTimes.parse(LOG), List.of(
        new RuntimeSideTimes.Call("StopContainer", CONTAINER),
        new RuntimeSideTimes.Call("CreateContainer", POD),
        new RuntimeSideTimes.Call("CreateContainer", "no-such-pod")));
    assertThat(medians).containsOnlyKeys("StopContainer");
    assertThat(medians.get("StopContainer")).isCloseTo(145.623148, org.assertj.core.data.Offset.offset(1e-6));
  }

  @Test
  void bootLastsFromTheFirstLineToBooted() {
    RuntimeSideTimes times = RuntimeSideTimes.parse(List.of(
        "time=\"2026-12-01T02:42:57.319553251Z\" level=info msg=\"starting containerd\" revision=\"1.6.20\"",
        "time=\"2026-12-01T02:42:57.377082905Z\" level=info msg=\"loading plugin \\\"io.containerd.content.v1.content\\\"...\"",
        "time=\"2026-12-01T02:42:57.465606194Z\" level=info msg=\"containerd successfully booted in 0.148806s\""));
    assertThat(times.boot()).contains(Duration.ofNanos(146_052_943));
    assertThat(times.firstLine()).contains(java.time.Instant.parse("2026-12-01T02:42:57.319553251Z"));
    assertThat(RuntimeSideTimes.parse(LOG).boot()).as("a log without the boot line").isEmpty();
    assertThat(RuntimeSideTimes.parse(List.of()).firstLine()).isEmpty();
  }

  @Test
  void aReusedRuntimesLogIsReadFromTheRunsStartOnly() {
    RuntimeSideTimes times = RuntimeSideTimes.parse(LOG);
    java.time.Instant runStart = java.time.Instant.parse("2026-11-28T05:27:58.100000000Z");
    RuntimeSideTimes since = times.since(runStart);
    assertThat(since.firstLine()).contains(java.time.Instant.parse("2026-11-28T05:27:58.172523034Z"));
    assertThat(since.of(new RuntimeSideTimes.Call("RunPodSandbox", ""))).as("its start came before the run").isEmpty();
    assertThat(since.of(new RuntimeSideTimes.Call("CreateContainer", POD))).contains(Duration.ofNanos(9_843_715));
  }
}
