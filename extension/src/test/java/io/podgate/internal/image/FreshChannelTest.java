package io.podgate.internal.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.internal.containerd.ContainerdHeaders;
import io.podgate.internal.containerd.leases.LeasesGrpc;
import io.podgate.internal.containerd.leases.ListRequest;
import io.podgate.internal.grpc.UnixSocketChannels;
import io.podgate.internal.grpc.UnixSocketTransport;
import io.podgate.testsupport.RequiresContainerd;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every fresh {@link UnixSocketChannels} channel answers its first call, over each transport.
 * Regression test: with junixsocket's selector provider used as Netty expects, about one new
 * connection in six was closed before its first write ({@code UNKNOWN: channel closed}); see
 * docs/transport.md.
 */
@RequiresContainerd
class FreshChannelTest {
  @ParameterizedTest
  @EnumSource(UnixSocketTransport.class)
  void twoHundredFreshChannelsEachAnswerTheirFirstCall(UnixSocketTransport transport) throws Exception {
    List<String> failures = new ArrayList<>();
    try (TestContainerd containerd = TestContainerd.start()) {
      for (int i = 0; i < 200; i++) {
        try (UnixSocketChannels channels = UnixSocketChannels.open(containerd.socket(), transport)) {
          LeasesGrpc.newBlockingStub(channels.channel())
              .withInterceptors(ContainerdHeaders.namespace(ContainerdHeaders.K8S_NAMESPACE))
              .list(ListRequest.getDefaultInstance());
        } catch (RuntimeException e) {
          failures.add("channel " + i + ": " + e);
        }
      }
    }
    assertThat(failures).as("failed first calls over %s", transport).isEmpty();
  }
}
