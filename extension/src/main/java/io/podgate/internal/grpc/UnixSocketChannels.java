package io.podgate.internal.grpc;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.newsclub.net.unix.AFUNIXSelectorProvider;

/**
 * gRPC channels over a unix domain socket, through junixsocket's selector provider.
 *
 * <p>grpc-netty accepts the JDK's {@link UnixDomainSocketAddress}; the channels themselves are
 * NIO channels opened by junixsocket's provider. Threads are daemons, and {@link #close()} shuts
 * the event loop down so the JVM can exit.
 */
public final class UnixSocketChannels implements AutoCloseable {
  private static final AtomicInteger GROUP_IDS = new AtomicInteger();

  private final Path socket;
  private final EventLoopGroup eventLoop;
  private final ManagedChannel channel;

  private UnixSocketChannels(Path socket, int maxInboundMessageBytes) {
    this.socket = socket;
    AFUNIXSelectorProvider provider = AFUNIXSelectorProvider.provider();
    this.eventLoop = new NioEventLoopGroup(1, daemonThreads("podgate-grpc-" + GROUP_IDS.incrementAndGet()), provider);
    this.channel =
        NettyChannelBuilder.forAddress(UnixDomainSocketAddress.of(socket))
            .eventLoopGroup(eventLoop)
            .channelFactory(() -> new NioSocketChannel(provider))
            .usePlaintext()
            .maxInboundMessageSize(maxInboundMessageBytes)
            .build();
  }

  /** Opens a channel to the unix socket at {@code socket}; nothing is connected until first use. */
  public static UnixSocketChannels open(Path socket) {
    return new UnixSocketChannels(socket, 64 * 1024 * 1024);
  }

  public ManagedChannel channel() {
    return channel;
  }

  public Path socket() {
    return socket;
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
