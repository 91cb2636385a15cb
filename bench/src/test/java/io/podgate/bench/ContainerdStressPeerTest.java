package io.podgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** containerd-stress's --json result: failed containers count in its total, so they are taken out. */
class ContainerdStressPeerTest {
  @Test
  void containersAreTheTotalLessTheFailures() {
    ContainerdStressPeer.Result r = ContainerdStressPeer.parse("time=\"...\" level=info msg=\"starting stress test\"\n"
        + "{\"total\":21,\"failures\":1,\"seconds\":5.0,\"containersPerSecond\":4.2,\"secondsPerContainer\":0.23,"
        + "\"execTotal\":0,\"execFailures\":0}\n", 2, "containerd-stress -c 2");
    assertThat(r.containers()).isEqualTo(20);
    assertThat(r.failures()).isEqualTo(1);
    assertThat(r.containersPerSecond()).isEqualTo(4.0);
    assertThat(r.summary()).contains("-c 2").contains("4.00/s").contains("1 failure");
  }

  @Test
  void outputWithoutAResultIsNamed() {
    assertThatThrownBy(() -> ContainerdStressPeer.parse("panic: operation not permitted\n", 2, "x"))
        .hasMessageContaining("printed no JSON result").hasMessageContaining("operation not permitted");
    assertThatThrownBy(() -> ContainerdStressPeer.parse("{\"total\":3}", 2, "x")).hasMessageContaining("no duration");
  }
}
