package io.podgate.timing;

import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.CriContainer;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.Wait;
import org.junit.jupiter.api.Test;

/** Timed by {@link WaitTiming}, not run by surefire: one class, one nginx pod. */
@Podgate
class OneNginxTiming {
  @PodSandbox(name = "timed")
  @CriContainer(name = "nginx", image = "podgate:nginx", waitFor = @Wait(httpPath = "/", httpPort = 80))
  static Pod pod;

  @Test
  void answers() throws Exception {
    assertThat(WaitTiming.fetch("http://" + pod.ip() + "/")).isEqualTo("podgate nginx ok\n");
  }
}
