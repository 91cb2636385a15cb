package io.podgate.internal.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.Container;
import io.podgate.CriContainer;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.internal.pod.PodgateSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

class SmokeTest {
  static PodgateSession.Lease lease;

  @BeforeAll
  static void session() {
    lease = PodgateSession.acquire();
  }

  @AfterAll
  static void end() {
    lease.close();
  }

  @Podgate
  @ExtendWith(FixtureOnly.class)
  static class Fixture {
    @PodSandbox
    @CriContainer(name = "box", image = "podgate:busybox", command = {"sleep", "3600"})
    Pod pod;

    @Test
    void runs() {
      Container box = pod.container("box");
      assertThat(box.exec("echo", "hi").stdout()).isEqualTo("hi\n");
      assertThat(pod.ip()).startsWith("10.204.0.");
    }
  }

  @Test
  void podRuns() {
    var results = Fixtures.run(Fixture.class);
    assertThat(results.testEvents().failed().count()).as(Fixtures.failures(results)).isZero();
    assertThat(results.testEvents().succeeded().count()).isEqualTo(1);
    Fixtures.assertNoPodsLeft(lease.session());
  }
}
