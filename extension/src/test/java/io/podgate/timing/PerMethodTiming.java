package io.podgate.timing;

import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.CriContainer;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.Wait;
import org.junit.jupiter.api.RepeatedTest;

/** Timed by {@link WaitTiming}, not run by surefire: a new nginx pod for each of 10 methods. */
@Podgate
class PerMethodTiming {
  @PodSandbox(name = "each")
  @CriContainer(name = "nginx", image = "podgate:nginx", waitFor = @Wait(httpPath = "/", httpPort = 80))
  Pod pod;

  @RepeatedTest(10)
  void answers() throws Exception {
    assertThat(WaitTiming.fetch("http://" + pod.ip() + "/")).isEqualTo("podgate nginx ok\n");
  }
}
