package io.podgate.internal.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A gRPC channel whose unary calls the runtime keeper makes on this JVM's behalf ({@link UnaryRelay}):
 * the keeper's JVM is warm and connected, so a test JVM attaching to a reused runtime does not load and
 * warm up Netty and gRPC's transport (about 0.4 s of CPU in a cold JVM) before its first pod. Other
 * calls (streaming), and every call once the keeper cannot be reached before a call is sent, go over a
 * direct channel to containerd made when first needed. A call the keeper took but did not answer
 * (it died meanwhile) fails UNAVAILABLE. Connections are kept and reused, one call at a time each.
 *
 * <p>The relay pays off while this JVM is cold; each relayed call costs two more hops than a direct one,
 * while making and warming the direct channel costs some 0.3 to 0.5 s of CPU, which a class of short tests on
 * a 2-core machine pays in its tests' time. So only after {@value #RELAYED_BEFORE_DIRECT} relayed calls
 * (about a hundred pods: a long suite) is the direct channel made and warmed up on a background thread,
 * and once it answers, the calls after go direct. A measurement whose figures are per call moves at
 * once ({@link #callDirectFromNow(Channel)}).
 */
public final class RelayChannel extends ManagedChannel {
  /** Relayed calls after which this JVM warms up its own channel and moves to it. */
  public static final int RELAYED_BEFORE_DIRECT = 1024;

  private final Path relay;
  private final Supplier<UnixSocketChannels> direct;
  private final Consumer<ManagedChannel> warmUp;
  private final AtomicInteger relayed = new AtomicInteger();
  private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
  private UnixSocketChannels directChannels;
  private volatile boolean callDirect;
  private volatile boolean shutdown;

  private RelayChannel(Path relay, Supplier<UnixSocketChannels> direct, Consumer<ManagedChannel> warmUp) {
    this.relay = relay;
    this.direct = direct;
    this.warmUp = warmUp;
  }

  /**
   * A channel through the relay at {@code relay}, when a keeper answers there (one connection is made to
   * know); {@code direct} makes the channel to containerd for the rest, and {@code warmUp} makes one call
   * on it (throwing if it does not answer) before the calls move to it.
   */
  public static Optional<RelayChannel> open(Path relay, Supplier<UnixSocketChannels> direct,
      Consumer<ManagedChannel> warmUp) {
    RelayChannel ch = new RelayChannel(relay, direct, warmUp);
    try {
      ch.idle.add(Connection.open(relay));
      return Optional.of(ch);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The keeper's socket this channel relays through. */
  public Path relay() {
    return relay;
  }

  /** Whether unary calls still go through the keeper (false once moved to the direct channel). */
  public boolean relaying() {
    return !callDirect;
  }

  @Override
  public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
    if (method.getType() != MethodDescriptor.MethodType.UNARY || callDirect) {
      return direct().newCall(method, options);
    }
    if (relayed.incrementAndGet() == RELAYED_BEFORE_DIRECT) {
      Thread t = new Thread(this::moveToDirect, "podgate-direct-channel");
      t.setDaemon(true);
      t.start();
    }
    return new UnaryCall<>(method, options);
  }

  private void moveToDirect() {
    try {
      warmUp.accept(direct());
      callDirect = true;
      closeIdleConnections(); // each holds a keeper thread; a call still relayed closes its own when shut down
    } catch (RuntimeException e) {
      // containerd did not answer this JVM directly: the keeper goes on relaying
    }
  }

  /**
   * Sends the calls on {@code channel} after this one straight to containerd, when it is a relay: a
   * measurement of calls (churn) must not time the keeper's hops. The direct channel is made here.
   */
  public static void callDirectFromNow(Channel channel) {
    if (channel instanceof RelayChannel r && !r.callDirect) {
      r.direct();
      r.callDirect = true;
      r.closeIdleConnections();
    }
  }

  @Override
  public String authority() {
    return "localhost";
  }

  private synchronized ManagedChannel direct() {
    if (shutdown) {
      throw Status.UNAVAILABLE.withDescription("the CRI channel was shut down").asRuntimeException();
    }
    if (directChannels == null) {
      directChannels = direct.get();
    }
    return directChannels.channel();
  }

  @Override
  public ManagedChannel shutdown() {
    synchronized (this) {
      shutdown = true;
    }
    closeIdleConnections();
    synchronized (this) {
      if (directChannels != null) {
        directChannels.close();
      }
    }
    return this;
  }

  private void closeIdleConnections() {
    Connection c;
    while ((c = idle.poll()) != null) {
      c.close();
    }
  }

  @Override
  public ManagedChannel shutdownNow() {
    return shutdown();
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return shutdown;
  }

  /** Sends {@code request} and reads the reply; null when the keeper could not be reached (nothing was sent). */
  private UnaryRelay.Reply exchange(UnaryRelay.Request request) throws IOException {
    Connection c = idle.poll();
    boolean fresh = false;
    if (c == null) {
      try {
        c = Connection.open(relay);
      } catch (IOException e) {
        return null;
      }
      fresh = true;
    }
    try {
      UnaryRelay.write(c.out, request);
    } catch (IOException e) {
      c.close();
      if (fresh) {
        return null;
      }
      return exchange(request); // a kept connection the keeper closed: once more on a new one
    }
    try {
      UnaryRelay.Reply reply = UnaryRelay.readReply(c.in);
      idle.add(c);
      return reply;
    } catch (IOException e) {
      c.close();
      throw e;
    }
  }

  private static List<String[]> asciiHeaders(Metadata headers) {
    List<String[]> list = new ArrayList<>();
    if (headers == null) {
      return list;
    }
    for (String key : headers.keys()) {
      if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
        continue;
      }
      Iterable<String> values = headers.getAll(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
      if (values != null) {
        values.forEach(v -> list.add(new String[] {key, v}));
      }
    }
    return list;
  }

  private final class UnaryCall<Q, R> extends ClientCall<Q, R> {
    private final MethodDescriptor<Q, R> method;
    private final CallOptions options;
    private Listener<R> listener;
    private Metadata headers;
    private Q message;
    private ClientCall<Q, R> directCall;

    UnaryCall(MethodDescriptor<Q, R> method, CallOptions options) {
      this.method = method;
      this.options = options;
    }

    @Override
    public void start(Listener<R> responseListener, Metadata headers) {
      this.listener = responseListener;
      this.headers = headers;
    }

    @Override
    public void request(int numMessages) {
      if (directCall != null) {
        directCall.request(numMessages);
      }
    }

    @Override
    public void cancel(String message, Throwable cause) {
      if (directCall != null) {
        directCall.cancel(message, cause);
      }
      // a relayed call is made and answered within halfClose(): nothing is left to cancel
    }

    @Override
    public void sendMessage(Q message) {
      this.message = message;
    }

    @Override
    public void halfClose() {
      Executor executor = options.getExecutor() != null ? options.getExecutor() : Runnable::run;
      Deadline deadline = options.getDeadline();
      if (deadline != null && deadline.isExpired()) {
        deliver(executor, Status.DEADLINE_EXCEEDED.withDescription("deadline passed before the call was sent"), null);
        return;
      }
      UnaryRelay.Reply reply;
      try (InputStream body = method.streamRequest(message)) {
        reply = exchange(new UnaryRelay.Request(method.getFullMethodName(),
            deadline == null ? -1 : deadline.timeRemaining(TimeUnit.NANOSECONDS), asciiHeaders(headers), body.readAllBytes()));
      } catch (IOException e) {
        deliver(executor, Status.UNAVAILABLE.withDescription("podgate's runtime keeper took the call at " + relay
            + " but did not answer: " + e.getMessage()).withCause(e), null);
        return;
      }
      if (reply == null) {
        callDirect = true; // the keeper is gone: this JVM talks to containerd itself from now on
        directCall = direct().newCall(method, options);
        directCall.start(listener, headers);
        directCall.request(2);
        directCall.sendMessage(message);
        directCall.halfClose();
        return;
      }
      Status status = Status.fromCodeValue(reply.code());
      if (!reply.description().isEmpty()) {
        status = status.withDescription(reply.description());
      }
      R response = null;
      if (status.isOk()) {
        try {
          response = method.parseResponse(new ByteArrayInputStream(reply.body()));
        } catch (RuntimeException e) {
          status = Status.INTERNAL.withDescription("cannot read the relayed response of " + method.getFullMethodName()
              + ": " + e.getMessage()).withCause(e);
        }
      }
      deliver(executor, status, response);
    }

    private void deliver(Executor executor, Status status, R response) {
      executor.execute(() -> {
        if (status.isOk()) {
          listener.onHeaders(new Metadata());
          listener.onMessage(response);
        }
        listener.onClose(status, new Metadata());
      });
    }
  }

  private static final class Connection {
    private final SocketChannel socket;
    private final DataInputStream in;
    private final DataOutputStream out;

    private Connection(SocketChannel socket) {
      this.socket = socket;
      this.in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(socket)));
      this.out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(socket)));
    }

    static Connection open(Path path) throws IOException {
      SocketChannel s = SocketChannel.open(StandardProtocolFamily.UNIX);
      try {
        s.connect(UnixDomainSocketAddress.of(path));
      } catch (IOException | RuntimeException e) {
        s.close();
        throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
      }
      return new Connection(s);
    }

    void close() {
      try {
        socket.close();
      } catch (IOException e) {
        // gone already
      }
    }
  }
}
