package io.podgate.internal.cri;

import io.podgate.internal.runtime.ContainerdOptions;
import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.internal.grpc.UnixSocketChannels;
import io.podgate.internal.grpc.UnixSocketTransport;
import io.podgate.internal.runtime.EmbeddedContainerd;
import io.podgate.testsupport.RequiresContainerd;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * 10,000 CRI Version calls over 100 fresh channels to a real containerd, for each transport, with
 * no failure. Uses the bridge, subnet and work directory of the system properties podgate.bridge,
 * podgate.subnet and podgate.workdir.
 */
@RequiresContainerd
class CriTransportSoakTest {
  private static final int CHANNELS = 100;
  private static final int CALLS_PER_CHANNEL = 100;

  private static EmbeddedContainerd containerd;

  @BeforeAll
  static void startContainerd() {
    Path workdir = Path.of(System.getProperty("podgate.workdir", "/tmp/podgate-test"));
    containerd = EmbeddedContainerd.start(ContainerdOptions.builder().name("soak")
        .bridgeName(System.getProperty("podgate.bridge", "pgsoak0"))
        .podSubnet(System.getProperty("podgate.subnet", "10.209.0.0/24"))
        .baseDir(workdir.resolve("soak-" + ProcessHandle.current().pid()))
        .build());
  }

  @AfterAll
  static void stopContainerdAndCheckItLeftNothing() {
    if (containerd == null) {
      return;
    }
    long pid = containerd.pid();
    Path base = containerd.baseDir();
    String bridge = containerd.options().bridgeName();
    containerd.close();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("containerd pid %d alive", pid)
        .isFalse();
    assertThat(base).doesNotExist();
    assertThat(Path.of("/sys/class/net", bridge)).doesNotExist();
  }

  @ParameterizedTest
  @EnumSource(UnixSocketTransport.class)
  void tenThousandVersionCallsOverAHundredFreshChannelsAllSucceed(UnixSocketTransport transport) {
    Path socket = containerd.socket();
    List<String> failures = new ArrayList<>();
    int failed = 0;
    int answered = 0;
    for (int c = 0; c < CHANNELS; c++) {
      try (UnixSocketChannels channels = UnixSocketChannels.open(socket, transport)) {
        CriClient cri = new CriClient(channels.channel(), "unix://" + socket);
        for (int i = 0; i < CALLS_PER_CHANNEL; i++) {
          try {
            assertThat(cri.version().getRuntimeName()).isEqualTo("containerd");
            answered++;
          } catch (RuntimeException | AssertionError e) {
            failed++;
            if (failures.size() < 20) {
              failures.add("channel " + c + " call " + i + ": " + e);
            }
          }
        }
      }
    }
    System.out.printf("CRI Version soak over %s: %d answered, %d failed%n", transport.value(), answered, failed);
    assertThat(failures).as("first failures of %d over %s", failed, transport).isEmpty();
    assertThat(answered).isEqualTo(CHANNELS * CALLS_PER_CHANNEL);
  }
}
