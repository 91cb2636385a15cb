package io.podgate.internal.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXSelectorProvider;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * What junixsocket's selector does with POLLHUP, next to the JDK's selector: the cause of the
 * closed fresh connections in docs/transport.md. No podgate code is involved. Should an upgrade of
 * junixsocket make these fail, the upstream fault is gone: revisit docs/transport.md and
 * {@link PreconnectedJunixsocketChannel}.
 */
class JunixsocketSelectorTest {
  private static final String REVISIT = "junixsocket's selector no longer invalidates keys on POLLHUP;"
      + " revisit docs/transport.md and PreconnectedJunixsocketChannel";

  @Test
  void keyOfANotYetConnectedSocketTurnsInvalidOnTheFirstSelect() throws IOException {
    AFUNIXSelectorProvider junix = AFUNIXSelectorProvider.provider();
    try (Selector selector = junix.openSelector(); SocketChannel channel = junix.openSocketChannel()) {
      channel.configureBlocking(false);
      SelectionKey key = channel.register(selector, 0);
      selector.selectNow();
      assertThat(key.isValid()).as(REVISIT).isFalse();
    }
    SelectorProvider jdk = SelectorProvider.provider();
    try (Selector selector = jdk.openSelector();
        SocketChannel channel = jdk.openSocketChannel(StandardProtocolFamily.UNIX)) {
      channel.configureBlocking(false);
      SelectionKey key = channel.register(selector, 0);
      assertThat(selector.selectNow()).isZero();
      assertThat(key.isValid()).isTrue();
    }
  }

  @Test
  void replyOfAPeerThatClosedIsNotReportedReadable(@TempDir Path dir) throws IOException {
    Path socket = dir.resolve("s.sock");
    AFUNIXSelectorProvider junix = AFUNIXSelectorProvider.provider();
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      try (Selector selector = junix.openSelector(); SocketChannel client = junix.openSocketChannel()) {
        client.connect(AFUNIXSocketAddress.of(socket));
        replyAndClose(server);
        client.configureBlocking(false);
        SelectionKey key = client.register(selector, SelectionKey.OP_READ);
        selector.selectNow();
        assertThat(key.isValid()).as(REVISIT).isFalse();
        assertThat(client.read(ByteBuffer.allocate(8))).as("the reply is still there to read").isEqualTo(4);
      }
      SelectorProvider jdk = SelectorProvider.provider();
      try (Selector selector = jdk.openSelector();
          SocketChannel client = jdk.openSocketChannel(StandardProtocolFamily.UNIX)) {
        client.connect(UnixDomainSocketAddress.of(socket));
        replyAndClose(server);
        client.configureBlocking(false);
        SelectionKey key = client.register(selector, SelectionKey.OP_READ);
        assertThat(selector.selectNow()).isEqualTo(1);
        assertThat(key.isValid() && key.isReadable()).isTrue();
      }
    }
  }

  private static void replyAndClose(ServerSocketChannel server) throws IOException {
    try (SocketChannel accepted = server.accept()) {
      accepted.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
    }
  }
}
