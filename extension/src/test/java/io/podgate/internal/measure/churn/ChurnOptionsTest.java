package io.podgate.internal.measure.churn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podgate.measure.ChurnOptions;
import io.podgate.measure.ChurnResult;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ChurnOptionsTest {
  @Test
  void defaults() {
    ChurnOptions o = ChurnOptions.builder().build();
    assertThat(o.workers()).isEqualTo(2);
    assertThat(o.duration()).isEqualTo(Duration.ofSeconds(10));
    assertThat(o.cycles()).isZero();
    assertThat(o.image()).isEqualTo("podgate.local/busybox:1");
    assertThat(o.mode()).isEqualTo(ChurnOptions.Mode.SHARED_POD);
    assertThat(o.path()).isEqualTo(ChurnOptions.Path.CRI);
    assertThat(o.toBuilder().path(ChurnOptions.Path.CONTAINERD).build().toString()).contains("path=CONTAINERD")
        .doesNotContain("mode=");
    assertThat(ChurnOptions.builder().cycles(5).build().duration()).isNull();
    assertThat(o.warmup()).isZero();
    assertThat(o.toString()).doesNotContain("warmup");
    assertThat(o.toBuilder().warmup(Duration.ofSeconds(3)).build().toString()).contains("warmup=3000ms");
  }

  @Test
  void badValuesAreNamed() {
    assertThatThrownBy(() -> ChurnOptions.builder().workers(0)).hasMessageContaining("workers must be at least 1, got 0");
    assertThatThrownBy(() -> ChurnOptions.builder().cycles(0)).hasMessageContaining("cycles");
    assertThatThrownBy(() -> ChurnOptions.builder().duration(Duration.ZERO)).hasMessageContaining("duration");
    assertThatThrownBy(() -> ChurnOptions.builder().image(" ")).hasMessageContaining("image");
    assertThatThrownBy(() -> ChurnOptions.builder().warmup(Duration.ofMillis(-1))).hasMessageContaining("warmup");
  }

  @Test
  void containerdPathOperationsFollowContainerdStressCycle() {
    assertThat(ChurnResult.containerdOperations())
        .containsExactly("NewContainer", "NewTask", "TaskStart", "TaskWait", "TaskDelete", "ContainerDelete");
  }

  @Test
  void operationsPerMode() {
    assertThat(ChurnResult.operations(ChurnOptions.Mode.SHARED_POD))
        .containsExactly("CreateContainer", "StartContainer", "StopContainer", "RemoveContainer");
    assertThat(ChurnResult.operations(ChurnOptions.Mode.POD_PER_CYCLE)).hasSize(7)
        .startsWith("RunPodSandbox").endsWith("StopPodSandbox", "RemovePodSandbox");
  }
}
