package io.podgate.internal.watchdog;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.podgate.internal.grpc.UnaryRelay;
import io.podgate.internal.grpc.UnixSocketChannels;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The keeper's side of {@link UnaryRelay}: listens on the relay socket in the runtime's directory and
 * makes each unary call it reads on containerd's socket (the one the runtime's state names at that
 * moment), over one warm channel, answering with containerd's status and response. One thread per
 * test JVM connection. It logs nothing of a call: requests may carry registry credentials.
 */
final class KeeperRelay implements AutoCloseable {
  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw Status.INTERNAL.withDescription("reading a response: " + e.getMessage()).asRuntimeException();
      }
    }
  };

  private final Path socketPath;
  private final Supplier<Path> containerdSocket;
  private final Consumer<String> log;
  private final ServerSocketChannel server;
  private final Map<String, MethodDescriptor<byte[], byte[]>> methods = new ConcurrentHashMap<>();
  private final Set<SocketChannel> clients = ConcurrentHashMap.newKeySet();
  private final AtomicLong calls = new AtomicLong();
  private Path channelSocket;
  private long socketCheckedAt;
  private boolean lookUpSocket = true;
  private UnixSocketChannels channels;
  private volatile boolean closed;

  private KeeperRelay(Path socketPath, Supplier<Path> containerdSocket, Consumer<String> log, ServerSocketChannel server) {
    this.socketPath = socketPath;
    this.containerdSocket = containerdSocket;
    this.log = log;
    this.server = server;
  }

  /** Listens on {@code dir}/{@value UnaryRelay#SOCKET} (a stale file of a keeper killed before is replaced). */
  static KeeperRelay start(Path dir, Supplier<Path> containerdSocket, Consumer<String> log) throws IOException {
    Path path = dir.resolve(UnaryRelay.SOCKET);
    Files.deleteIfExists(path);
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(path));
    KeeperRelay relay = new KeeperRelay(path, containerdSocket, log, server);
    Thread t = new Thread(relay::accept, "podgate-keeper-relay");
    t.setDaemon(true);
    t.start();
    return relay;
  }

  private void accept() {
    while (!closed) {
      try {
        SocketChannel client = server.accept();
        clients.add(client);
        Thread t = new Thread(() -> serve(client), "podgate-keeper-relay-client");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        if (!closed) {
          log.accept("relay: accepting a connection failed: " + e.getMessage());
        }
        return;
      }
    }
  }

  private void serve(SocketChannel client) {
    try (client) {
      DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(client)));
      DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(client)));
      while (!closed) {
        UnaryRelay.Request request;
        try {
          request = UnaryRelay.readRequest(in);
        } catch (EOFException e) {
          return; // the JVM closed its connection or ended
        }
        UnaryRelay.write(out, call(request));
      }
    } catch (IOException e) {
      // the JVM went away in the middle of a call, or this relay closed: nothing to answer
    } finally {
      clients.remove(client);
    }
  }

  /** Calls relayed so far. */
  long calls() {
    return calls.get();
  }

  private UnaryRelay.Reply call(UnaryRelay.Request request) {
    calls.incrementAndGet();
    MethodDescriptor<byte[], byte[]> method = methods.computeIfAbsent(request.method(), name ->
        MethodDescriptor.<byte[], byte[]>newBuilder().setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(name)
            .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build());
    try {
      Channel channel = channel();
      if (!request.headers().isEmpty()) {
        Metadata headers = new Metadata();
        for (String[] h : request.headers()) {
          headers.put(Metadata.Key.of(h[0], Metadata.ASCII_STRING_MARSHALLER), h[1]);
        }
        channel = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
      }
      CallOptions options = request.timeoutNanos() < 0 ? CallOptions.DEFAULT
          : CallOptions.DEFAULT.withDeadlineAfter(request.timeoutNanos(), TimeUnit.NANOSECONDS);
      byte[] response = ClientCalls.blockingUnaryCall(channel, method, options, request.body());
      return new UnaryRelay.Reply(Status.Code.OK.value(), "", response);
    } catch (StatusRuntimeException e) {
      Status s = e.getStatus();
      if (s.getCode() == Status.Code.UNAVAILABLE) {
        forgetSocket(); // the runtime may have been replaced: look it up again for the next call
      }
      String said = s.getDescription() != null ? s.getDescription() : s.getCause() != null ? String.valueOf(s.getCause()) : "";
      return new UnaryRelay.Reply(s.getCode().value(), said, null);
    } catch (RuntimeException e) {
      return new UnaryRelay.Reply(Status.Code.INTERNAL.value(), "podgate's runtime keeper: " + e, null);
    }
  }

  /**
   * The channel to containerd's current socket (looked up again after a second, or after containerd did
   * not answer); a new one when the runtime was replaced since.
   */
  private synchronized Channel channel() {
    long now = System.nanoTime();
    Path socket = channelSocket;
    if (lookUpSocket || now - socketCheckedAt > TimeUnit.SECONDS.toNanos(1)) {
      socket = containerdSocket.get();
      socketCheckedAt = now;
      lookUpSocket = false;
    }
    if (socket == null) {
      throw Status.UNAVAILABLE.withDescription("no runtime is recorded in " + socketPath.getParent()).asRuntimeException();
    }
    if (!socket.equals(channelSocket)) {
      if (channels != null) {
        channels.close();
      }
      channels = UnixSocketChannels.open(socket);
      channelSocket = socket;
    }
    return channels.channel();
  }

  private synchronized void forgetSocket() {
    lookUpSocket = true;
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (SocketChannel c : clients) {
      try {
        c.close(); // as a keeper's end would: each JVM's next call goes to containerd itself
      } catch (IOException e) {
        // closing anyway
      }
    }
    try {
      Files.deleteIfExists(socketPath);
    } catch (IOException e) {
      // its directory goes with the runtime
    }
    synchronized (this) {
      if (channels != null) {
        channels.close();
      }
    }
  }
}
