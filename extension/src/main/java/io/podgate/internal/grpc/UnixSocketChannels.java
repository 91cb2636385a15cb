package io.podgate.internal.grpc;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.newsclub.net.unix.AFUNIXSelectorProvider;

/**
 * gRPC channels over a unix domain socket, through the {@link UnixSocketTransport} that the system
 * property {@value UnixSocketTransport#PROPERTY} names (the JDK's unix-domain channels unless it
 * says {@code junixsocket}).
 *
 * <p>Threads are daemons, and {@link #close()} shuts the event loop down so the JVM can exit.
 */
public final class UnixSocketChannels implements AutoCloseable {
  private static final AtomicInteger GROUP_IDS = new AtomicInteger();
  /** Netty's own JFR events: off unless the user set it (starting Flight Recorder costs a cold JVM about 90 ms). */
  static final String NETTY_JFR = "io.netty.jfr.enabled";

  static {
    if (System.getProperty(NETTY_JFR) == null) {
      System.setProperty(NETTY_JFR, "false");
    }
  }

  private final Path socket;
  private final UnixSocketTransport transport;
  private final EventLoopGroup eventLoop;
  private final ManagedChannel channel;

  private UnixSocketChannels(Path socket, UnixSocketTransport transport, int maxInboundMessageBytes) {
    this.socket = socket;
    this.transport = transport;
    ThreadFactory threads = daemonThreads("podgate-grpc-" + GROUP_IDS.incrementAndGet());
    NettyChannelBuilder builder = NettyChannelBuilder.forAddress(UnixDomainSocketAddress.of(socket));
    if (transport == UnixSocketTransport.JUNIXSOCKET) {
      AFUNIXSelectorProvider provider = AFUNIXSelectorProvider.provider();
      this.eventLoop = new NioEventLoopGroup(1, threads, provider);
      builder.channelFactory(() -> new PreconnectedJunixsocketChannel(provider, socket));
    } else {
      this.eventLoop = new NioEventLoopGroup(1, threads);
      builder.channelType(NioDomainSocketChannel.class);
    }
    this.channel =
        builder
            .eventLoopGroup(eventLoop)
            // grpc-netty always asks for TCP keep-alive, which a unix socket does not have, and Netty
            // would warn on every connection; a null value takes the option out again
            .withOption(ChannelOption.SO_KEEPALIVE, null)
            .usePlaintext()
            .maxInboundMessageSize(maxInboundMessageBytes)
            .build();
  }

  /**
   * Opens a channel to the unix socket at {@code socket} over the transport the system property
   * {@value UnixSocketTransport#PROPERTY} names; nothing is connected until first use.
   *
   * @throws io.podgate.PodgateException when that property names no transport
   */
  public static UnixSocketChannels open(Path socket) {
    return open(socket, UnixSocketTransport.fromSystemProperties());
  }

  /** Opens a channel to the unix socket at {@code socket} over {@code transport}; nothing is connected until first use. */
  public static UnixSocketChannels open(Path socket, UnixSocketTransport transport) {
    return new UnixSocketChannels(Objects.requireNonNull(socket, "socket"), Objects.requireNonNull(transport, "transport"),
        64 * 1024 * 1024);
  }

  public ManagedChannel channel() {
    return channel;
  }

  public Path socket() {
    return socket;
  }

  public UnixSocketTransport transport() {
    return transport;
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
