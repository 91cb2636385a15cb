package io.podgate.internal.grpc;

import io.grpc.Status;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Path;
import org.newsclub.net.unix.AFUNIXSelectorProvider;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketChannel;

/**
 * A Netty channel over a junixsocket socket that is connected before Netty registers it with its
 * selector.
 *
 * <p>junixsocket's selector marks a key invalid when poll(2) reports POLLHUP, and Linux reports
 * POLLHUP for every stream socket that is not connected yet. Netty registers a channel first and
 * connects it in a later event-loop task, so a select in between made Netty close about one fresh
 * channel in six (gRPC: {@code UNKNOWN: channel closed}); see docs/transport.md. Connected up
 * front, the socket never polls as unconnected. The channel reports itself active only once Netty
 * has asked it to connect, so Netty's and gRPC's start-up order stays the usual one.
 */
final class PreconnectedJunixsocketChannel extends NioSocketChannel {
  private volatile boolean connectRequested;

  /**
   * Connects to {@code socket} at once, blocking the calling thread for as long as the kernel's
   * connect takes (immediate unless the listener's backlog is full).
   *
   * @throws io.grpc.StatusRuntimeException UNAVAILABLE when nothing accepts connections there
   */
  PreconnectedJunixsocketChannel(AFUNIXSelectorProvider provider, Path socket) {
    super(connect(provider, socket));
  }

  private static AFUNIXSocketChannel connect(AFUNIXSelectorProvider provider, Path socket) {
    AFUNIXSocketChannel channel = null;
    try {
      channel = provider.openSocketChannel();
      channel.connect(AFUNIXSocketAddress.of(socket));
      return channel;
    } catch (IOException e) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException closing) {
          e.addSuppressed(closing);
        }
      }
      // gRPC turns a failure of the channel factory into the call's status
      throw Status.UNAVAILABLE.withDescription("cannot connect to unix socket " + socket + ": " + e.getMessage())
          .withCause(e)
          .asRuntimeException();
    }
  }

  @Override
  public boolean isActive() {
    return connectRequested && super.isActive();
  }

  @Override
  protected boolean doConnect(SocketAddress remoteAddress, SocketAddress localAddress) {
    connectRequested = true;
    return true;
  }
}
