package io.podgate.internal.watchdog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.podgate.internal.containerd.ContainerdHeaders;
import io.podgate.internal.containerd.images.Image;
import io.podgate.internal.containerd.images.ImagesGrpc;
import io.podgate.internal.containerd.images.ListImagesRequest;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.cri.CriException;
import io.podgate.internal.cri.v1.PodSandbox;
import io.podgate.internal.grpc.RelayChannel;
import io.podgate.internal.grpc.UnaryRelay;
import io.podgate.testsupport.RequiresContainerd;
import io.podgate.testsupport.SessionTestBase;
import java.io.DataInputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keeper's relay of unary calls, against the session's real containerd: what a JVM gets through it
 * is what it gets calling containerd itself (answers, errors, containerd's namespace header), calls from
 * many threads at once, a JVM moving to its own channel after its first calls, and a JVM whose keeper
 * went away going on over its own channel.
 */
@RequiresContainerd
class KeeperRelayTest extends SessionTestBase {
  @TempDir
  Path dir;

  private final List<String> log = new CopyOnWriteArrayList<>();

  private Path containerd() {
    return session().embedded().orElseThrow().socket();
  }

  @Test
  void answersAndErrorsThroughTheRelayAreThoseOfContainerd() throws Exception {
    Path socket = containerd();
    try (KeeperRelay relay = KeeperRelay.start(dir, () -> socket, log::add);
        CriClient relayed = CriClient.connectThroughKeeper(dir.resolve(UnaryRelay.SOCKET), socket);
        CriClient direct = CriClient.connect(socket)) {
      assertThat(relayed.channel()).isInstanceOf(RelayChannel.class);
      assertThat(relayed.version()).isEqualTo(direct.version());
      assertThat(relayed.listPodSandbox()).extracting(PodSandbox::getId)
          .containsExactlyInAnyOrderElementsOf(direct.listPodSandbox().stream().map(PodSandbox::getId).toList());
      assertThat(relayed.listImages()).isNotEmpty().isEqualTo(direct.listImages());

      assertThatThrownBy(() -> relayed.podSandboxStatus("no-such-sandbox"))
          .isInstanceOfSatisfying(CriException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.NOT_FOUND))
          .hasMessageContaining("PodSandboxStatus").hasMessageContaining("unix://" + socket);

      // containerd's own API needs its namespace header, which must travel with the call
      List<String> viaRelay = ImagesGrpc.newBlockingStub(relayed.channel())
          .withInterceptors(ContainerdHeaders.namespace(ContainerdHeaders.K8S_NAMESPACE))
          .list(ListImagesRequest.getDefaultInstance()).getImagesList().stream().map(Image::getName).toList();
      List<String> own = ImagesGrpc.newBlockingStub(direct.channel())
          .withInterceptors(ContainerdHeaders.namespace(ContainerdHeaders.K8S_NAMESPACE))
          .list(ListImagesRequest.getDefaultInstance()).getImagesList().stream().map(Image::getName).toList();
      assertThat(viaRelay).isNotEmpty().containsExactlyInAnyOrderElementsOf(own);
      assertThat(log).isEmpty();
    }
  }

  @Test
  void manyThreadsCallAtOnce() throws Exception {
    Path socket = containerd();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (KeeperRelay relay = KeeperRelay.start(dir, () -> socket, log::add);
        CriClient relayed = CriClient.connectThroughKeeper(dir.resolve(UnaryRelay.SOCKET), socket)) {
      String expected = relayed.version().getRuntimeVersion();
      List<Future<String>> calls = new ArrayList<>();
      for (int i = 0; i < 160; i++) {
        calls.add(pool.submit(() -> relayed.version().getRuntimeVersion()));
      }
      for (Future<String> f : calls) {
        assertThat(f.get()).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void afterItsFirstCallsAJvmMovesToItsOwnChannel() throws Exception {
    Path socket = containerd();
    try (KeeperRelay relay = KeeperRelay.start(dir, () -> socket, log::add);
        CriClient relayed = CriClient.connectThroughKeeper(dir.resolve(UnaryRelay.SOCKET), socket)) {
      RelayChannel channel = (RelayChannel) relayed.channel();
      for (int i = 1; i < RelayChannel.RELAYED_BEFORE_DIRECT; i++) {
        relayed.version();
      }
      assertThat(channel.relaying()).as("still relayed before the limit").isTrue();
      relayed.version();
      await("the direct channel answers and takes over").atMost(Duration.ofSeconds(30))
          .until(() -> !channel.relaying());
      long relayedCalls = relay.calls();
      relayed.version();
      assertThat(relay.calls()).as("calls the keeper relayed").isEqualTo(relayedCalls);
      relay.close(); // nothing goes through the keeper any more: no connection of it is needed
      assertThat(relayed.listPodSandbox()).isNotNull();
    }
  }

  @Test
  void aMeasurementMovesItsCallsToItsOwnChannelAtOnce() throws Exception {
    Path socket = containerd();
    try (KeeperRelay relay = KeeperRelay.start(dir, () -> socket, log::add);
        CriClient relayed = CriClient.connectThroughKeeper(dir.resolve(UnaryRelay.SOCKET), socket)) {
      RelayChannel channel = (RelayChannel) relayed.channel();
      relayed.version();
      assertThat(channel.relaying()).isTrue();
      assertThat(relay.calls()).isEqualTo(1);
      RelayChannel.callDirectFromNow(channel);
      assertThat(channel.relaying()).as("relayed after callDirectFromNow").isFalse();
      assertThat(relayed.listPodSandbox()).isNotNull();
      relayed.version();
      assertThat(relay.calls()).as("calls the keeper relayed").isEqualTo(1);
    }
  }

  @Test
  void aJvmWhoseKeeperWentAwayCallsContainerdItself() {
    Path socket = containerd();
    KeeperRelay relay;
    try {
      relay = KeeperRelay.start(dir, () -> socket, log::add);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    try (CriClient relayed = CriClient.connectThroughKeeper(dir.resolve(UnaryRelay.SOCKET), socket)) {
      String version = relayed.version().getRuntimeVersion();
      relay.close();
      assertThat(dir.resolve(UnaryRelay.SOCKET)).doesNotExist();
      assertThat(relayed.version().getRuntimeVersion()).isEqualTo(version);
      assertThat(relayed.listPodSandbox()).isNotNull();
    }
  }

  @Test
  void noKeeperListeningMeansAPlainClient() {
    try (CriClient c = CriClient.connectThroughKeeper(dir.resolve(UnaryRelay.SOCKET), containerd())) {
      assertThat(c.channel()).isNotInstanceOf(RelayChannel.class);
      assertThat(c.version().getRuntimeName()).isEqualTo("containerd");
    }
  }

  @Test
  void aCallTheKeeperTookButNeverAnsweredFailsUnavailableNamingIt() throws Exception {
    Path path = dir.resolve(UnaryRelay.SOCKET);
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(path));
      Thread dying = new Thread(() -> {
        try {
          server.accept().close(); // the probe connection of open()
          try (SocketChannel c = server.accept()) {
            UnaryRelay.readRequest(new DataInputStream(Channels.newInputStream(c))); // takes the call, then dies
          }
        } catch (Exception e) {
          // the test fails on its own if this does
        }
      });
      dying.start();
      try (CriClient client = CriClient.connectThroughKeeper(path, containerd())) {
        CriClient c = client.withDeadline(Duration.ofSeconds(20));
        assertThatThrownBy(c::version).isInstanceOfSatisfying(CriException.class,
                e -> assertThat(e.code()).isEqualTo(Status.Code.UNAVAILABLE))
            .hasMessageContaining("runtime keeper took the call").hasMessageContaining(path.toString());
      }
      dying.join(2_000); // closing the server below ends it if it still waits for a second connection
    }
    assertThat(Files.exists(path)).isTrue(); // ours, removed with the temporary directory
  }
}
