package io.podgate.internal.grpc;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.newsclub.net.unix.AFUNIXSelectorProvider;

/**
 * Reproducer for docs/transport.md, using only junixsocket, Netty and grpc-netty (no podgate code):
 * opens fresh channels over junixsocket's selector provider and over the JDK's unix-domain
 * channels, and counts how each one ended.
 *
 * <pre>
 * netty N               N fresh Netty channels write 4 bytes to a plain JDK echo server and wait for them back
 * reply-close N         the same, but the server closes right after its reply
 * grpc SOCKET METHOD N  N fresh gRPC channels each make one unary call (empty request) to SOCKET,
 *                       e.g. containerd.services.version.v1.Version/Version on containerd's socket
 * </pre>
 */
public final class JunixsocketRepro {
  private JunixsocketRepro() {}

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "";
    for (String transport : new String[] {"junixsocket", "jdk"}) {
      Map<String, Integer> outcomes = new TreeMap<>();
      int n;
      switch (mode) {
        case "netty", "reply-close" -> {
          n = Integer.parseInt(args[1]);
          Path dir = Files.createTempDirectory("junixsocket-repro");
          Path socket = dir.resolve("echo.sock");
          try (EchoServer server = new EchoServer(socket, mode.equals("reply-close"))) {
            for (int i = 0; i < n; i++) {
              outcomes.merge(nettyOnce(socket, transport), 1, Integer::sum);
            }
          }
          Files.deleteIfExists(dir);
        }
        case "grpc" -> {
          n = Integer.parseInt(args[3]);
          for (int i = 0; i < n; i++) {
            outcomes.merge(grpcOnce(Path.of(args[1]), args[2], transport), 1, Integer::sum);
          }
        }
        default -> {
          System.err.println("usage: netty N | reply-close N | grpc SOCKET METHOD N");
          System.exit(2);
          return;
        }
      }
      System.out.printf("%s %s: %s%n", mode, transport, outcomes);
    }
  }

  private static EventLoopGroup group(String transport) {
    return transport.equals("junixsocket")
        ? new NioEventLoopGroup(1, JunixsocketRepro::daemon, AFUNIXSelectorProvider.provider())
        : new NioEventLoopGroup(1, JunixsocketRepro::daemon);
  }

  private static ChannelFactory<io.netty.channel.Channel> channels(String transport) {
    if (transport.equals("junixsocket")) {
      AFUNIXSelectorProvider provider = AFUNIXSelectorProvider.provider();
      return () -> new NioSocketChannel(provider);
    }
    return NioDomainSocketChannel::new;
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r);
    t.setDaemon(true);
    return t;
  }

  private static String nettyOnce(Path socket, String transport) throws Exception {
    EventLoopGroup group = group(transport);
    CompletableFuture<String> outcome = new CompletableFuture<>();
    try {
      Bootstrap b = new Bootstrap().group(group).channelFactory(channels(transport))
          .handler(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
              ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4}));
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
              ((ByteBuf) msg).release();
              outcome.complete("reply read");
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
              outcome.complete("closed before the reply was read");
            }
          });
      ChannelFuture connect = b.connect(UnixDomainSocketAddress.of(socket));
      connect.addListener(f -> {
        if (!f.isSuccess()) {
          outcome.complete("connect failed: " + f.cause().getClass().getSimpleName());
        }
      });
      try {
        return outcome.get(5, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        return "no outcome within 5 s";
      } finally {
        connect.channel().close().awaitUninterruptibly();
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  private static String grpcOnce(Path socket, String method, String transport) {
    EventLoopGroup group = group(transport);
    ManagedChannel channel = NettyChannelBuilder.forAddress(UnixDomainSocketAddress.of(socket))
        .eventLoopGroup(group)
        .channelFactory(channels(transport))
        .usePlaintext()
        .build();
    try {
      ClientCalls.blockingUnaryCall(channel, unary(method), CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS),
          new byte[0]);
      return "OK";
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode() + ": " + e.getStatus().getDescription();
    } finally {
      channel.shutdownNow();
      try {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  private static MethodDescriptor<byte[], byte[]> unary(String fullName) {
    MethodDescriptor.Marshaller<byte[]> bytes = new MethodDescriptor.Marshaller<>() {
      @Override
      public InputStream stream(byte[] value) {
        return new ByteArrayInputStream(value);
      }

      @Override
      public byte[] parse(InputStream in) {
        try {
          return in.readAllBytes();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
    return MethodDescriptor.<byte[], byte[]>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(fullName).setRequestMarshaller(bytes).setResponseMarshaller(bytes).build();
  }

  /** The JDK's unix-domain server socket, one thread per connection, echoing what it reads. */
  private static final class EchoServer implements AutoCloseable {
    private final Path socket;
    private final ServerSocketChannel server;

    EchoServer(Path socket, boolean closeAfterReply) throws IOException {
      this.socket = socket;
      this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(socket));
      Thread acceptor = daemon(() -> {
        while (server.isOpen()) {
          try {
            SocketChannel c = server.accept();
            daemon(() -> echo(c, closeAfterReply)).start();
          } catch (IOException e) {
            return;
          }
        }
      });
      acceptor.start();
    }

    private static void echo(SocketChannel c, boolean closeAfterReply) {
      try (c) {
        ByteBuffer buf = ByteBuffer.allocate(64);
        while (c.read(buf) > 0) {
          buf.flip();
          c.write(buf);
          buf.clear();
          if (closeAfterReply) {
            return;
          }
        }
      } catch (IOException ignored) {
        // the client went away
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      Files.deleteIfExists(socket);
    }
  }
}
