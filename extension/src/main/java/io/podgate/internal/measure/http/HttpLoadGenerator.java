package io.podgate.internal.measure.http;

import io.podgate.internal.measure.api.MeasureInternals;
import io.podgate.measure.HttpLoadOptions;
import io.podgate.measure.HttpLoadResult;
import io.podgate.PodgateException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Closed-loop HTTP/1.1 keep-alive load generator: one platform thread per connection with a blocking
 * {@link SocketChannel}, a pre-encoded request and a byte-level response parser, so the generator
 * itself stays cheaper than the server it measures. Latencies go into per-connection HdrHistograms
 * (microseconds) merged at the end; completed responses and bytes are sampled once per second.
 */
public final class HttpLoadGenerator {
  private static final int READ_BUFFER_BYTES = 64 * 1024;
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private static final int PHASE_WARMUP = 0;
  private static final int PHASE_MEASURE = 1;
  private static final int PHASE_DONE = 2;

  /** How connections are driven. */
  public enum Engine {
    /** One platform thread per connection, blocking reads. */
    THREAD_PER_CONNECTION,
    /**
     * min(connections, available processors) threads, each a selector loop over its share, sending the
     * next requests once a round's ready responses are read, as wrk does. The default: on a 2-core
     * runner it leaves the server more CPU than a thread per connection (0.93 of wrk's req/s against a
     * pod's nginx here, against 0.75 to 0.88).
     */
    SELECTOR
  }

  private final HttpLoadOptions options;
  private final Engine engine;
  private final InetSocketAddress address;
  private final byte[] request;
  private final boolean head;
  private final long timeoutNanos;

  private volatile int phase = PHASE_WARMUP;
  private volatile boolean stop;
  private final AtomicLong permits = new AtomicLong(Long.MAX_VALUE);
  private final boolean countBounded;

  public HttpLoadGenerator(HttpLoadOptions options) {
    this(options, Engine.SELECTOR);
  }

  public HttpLoadGenerator(HttpLoadOptions options, Engine engine) {
    this.options = options;
    this.engine = engine;
    this.address = new InetSocketAddress(resolve(options.host()), options.port());
    this.request = encodeRequest(options);
    this.head = options.method().equals("HEAD");
    this.timeoutNanos = options.timeout().toNanos();
    this.countBounded = options.totalRequests().isPresent();
  }

  public static HttpLoadResult run(HttpLoadOptions options) {
    return new HttpLoadGenerator(options).run();
  }

  /** The exact bytes sent for every request. */
  static byte[] encodeRequest(HttpLoadOptions o) {
    StringBuilder sb = new StringBuilder(128);
    sb.append(o.method()).append(' ').append(o.requestTarget()).append(" HTTP/1.1\r\n");
    String host = o.target().getHost();
    sb.append("Host: ").append(host);
    if (o.target().getPort() >= 0) {
      sb.append(':').append(o.target().getPort());
    }
    sb.append("\r\n");
    boolean userAgent = false;
    for (Map.Entry<String, String> h : o.headers().entrySet()) {
      sb.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
      userAgent |= h.getKey().equalsIgnoreCase("user-agent");
    }
    if (!userAgent) {
      sb.append("User-Agent: podgate\r\n");
    }
    sb.append("\r\n");
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static InetAddress resolve(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return InetAddress.getLoopbackAddress();
    }
    try {
      // the options accept only IP literals here, so no name lookup happens
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new PodgateException("cannot parse IP address '" + host + "' of the HTTP load target", e);
    }
  }

  /** Runs the load (warm-up, then measurement) and blocks until it is over. */
  public HttpLoadResult run() {
    int n = options.connections();
    OptionalCount count = new OptionalCount(options.totalRequests().orElse(0));
    if (count.bounded) {
      permits.set(count.value);
    }
    int laneCount =
        engine == Engine.SELECTOR ? Math.min(n, Runtime.getRuntime().availableProcessors()) : n;
    Lane[] workers = new Lane[laneCount];
    CountDownLatch finished = new CountDownLatch(laneCount);
    Thread[] threads = new Thread[laneCount];
    long watchdogNanos =
        Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(timeoutNanos / 4, TimeUnit.MILLISECONDS.toNanos(50)));
    boolean warmup = !options.warmup().isZero();
    phase = warmup ? PHASE_WARMUP : PHASE_MEASURE;
    for (int i = 0; i < laneCount; i++) {
      workers[i] =
          engine == Engine.SELECTOR
              ? new SelectorLane(finished, n / laneCount + (i < n % laneCount ? 1 : 0))
              : new Worker(finished);
      threads[i] = new Thread(workers[i], "podgate-http-" + i);
      threads[i].setDaemon(true);
    }
    for (Thread t : threads) {
      t.start();
    }
    try {
      if (warmup) {
        long warmupEnd = System.nanoTime() + options.warmup().toNanos();
        while (System.nanoTime() < warmupEnd && finished.getCount() > 0) {
          checkTimeouts(workers);
          finished.await(Math.min(watchdogNanos, warmupEnd - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        phase = PHASE_MEASURE;
      }
      long start = System.nanoTime();
      long deadline = count.bounded ? Long.MAX_VALUE : start + options.duration().toNanos();
      long[] requestsPerSecond = new long[16];
      long[] bytesPerSecond = new long[16];
      int samples = 0;
      long lastRequests = 0;
      long lastBytes = 0;
      long nextTick = start + SECOND;
      long nextProgress = start + HttpLoadOptions.PROGRESS_INTERVAL.toNanos();
      long end;
      while (true) {
        long now = System.nanoTime();
        checkTimeouts(workers);
        boolean done = count.bounded ? finished.getCount() == 0 : now >= deadline;
        if (now >= nextTick && (nextTick <= deadline)) {
          long requests = sum(workers, true);
          long bytes = sum(workers, false);
          if (samples == requestsPerSecond.length) {
            requestsPerSecond = java.util.Arrays.copyOf(requestsPerSecond, samples * 2);
            bytesPerSecond = java.util.Arrays.copyOf(bytesPerSecond, samples * 2);
          }
          requestsPerSecond[samples] = requests - lastRequests;
          bytesPerSecond[samples] = bytes - lastBytes;
          samples++;
          lastRequests = requests;
          lastBytes = bytes;
          nextTick += SECOND;
          if (now >= nextProgress && !(done || nextTick > deadline)) {
            options.progress().accept(progressLine(now - start, requests, requestsPerSecond[samples - 1], workers));
            nextProgress += HttpLoadOptions.PROGRESS_INTERVAL.toNanos();
          }
          continue;
        }
        if (done) {
          end = now;
          phase = PHASE_DONE;
          stop = true;
          break;
        }
        long wait = Math.min(watchdogNanos, Math.min(nextTick, deadline) - now);
        finished.await(Math.max(wait, 1), TimeUnit.NANOSECONDS);
      }
      // let in-flight requests finish (their results are not recorded), then close what hangs
      long graceEnd = System.nanoTime() + timeoutNanos + SECOND;
      while (finished.getCount() > 0 && System.nanoTime() < graceEnd) {
        checkTimeouts(workers);
        finished.await(watchdogNanos, TimeUnit.NANOSECONDS);
      }
      for (Lane w : workers) {
        w.closeQuietly();
      }
      for (Thread t : threads) {
        t.join(TimeUnit.SECONDS.toMillis(5));
      }
      return collect(workers, start, end, requestsPerSecond, bytesPerSecond, samples);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop = true;
      for (Lane w : workers) {
        w.closeQuietly();
      }
      throw new PodgateException("HTTP load run against " + options.target() + " was interrupted", e);
    } finally {
      stop = true;
    }
  }

  private String progressLine(long elapsedNanos, long requests, long lastSecond, Lane[] workers) {
    long errors = 0;
    for (Lane w : workers) {
      errors += w.errorsPublished.get();
    }
    String total =
        options.totalRequests().isPresent()
            ? requests + "/" + options.totalRequests().getAsLong() + " requests"
            : requests + " requests";
    String of =
        options.totalRequests().isPresent() ? "" : "/" + options.duration().toSeconds() + "s";
    return String.format(
        Locale.ROOT,
        "podgate http %s: %ds%s, %s, %d req/s in the last second, %d errors",
        options.target(),
        TimeUnit.NANOSECONDS.toSeconds(elapsedNanos),
        of,
        total,
        lastSecond,
        errors);
  }

  private HttpLoadResult collect(
      Lane[] workers, long start, long end, long[] rps, long[] bps, int samples) {
    Histogram merged = new Histogram(3);
    long requests = 0, bytes = 0, errors = 0, timeouts = 0, non2xx = 0;
    for (Lane w : workers) {
      merged.add(w.histogram);
      requests += w.requests;
      bytes += w.bytes;
      errors += w.errors;
      timeouts += w.timeouts;
      non2xx += w.non2xx;
    }
    long[] requestSeries = java.util.Arrays.copyOf(rps, samples);
    long[] byteSeries = java.util.Arrays.copyOf(bps, samples);
    Duration duration = Duration.ofNanos(end - start);
    if (samples == 0 && requests > 0) {
      // shorter than one second: one sample scaled to a full second
      double seconds = Math.max(1e-9, (end - start) / 1e9);
      requestSeries = new long[] {Math.round(requests / seconds)};
      byteSeries = new long[] {Math.round(bytes / seconds)};
    }
    return MeasureInternals.access().httpLoadResult(
        options.target(),
        options.connections(),
        duration,
        merged,
        requestSeries,
        byteSeries,
        requests,
        bytes,
        errors,
        timeouts,
        non2xx);
  }

  private static long sum(Lane[] workers, boolean requests) {
    long total = 0;
    for (Lane w : workers) {
      total += requests ? w.requestsPublished.get() : w.bytesPublished.get();
    }
    return total;
  }

  private void checkTimeouts(Lane[] workers) {
    long now = System.nanoTime();
    for (Lane w : workers) {
      w.checkTimeouts(now, timeoutNanos);
    }
  }

  private static final class OptionalCount {
    final boolean bounded;
    final long value;

    OptionalCount(long value) {
      this.bounded = value > 0;
      this.value = value;
    }
  }

  /** A thread driving one or more connections; its figures are written by that thread only. */
  private abstract static class Lane implements Runnable {
    final Histogram histogram = new Histogram(3);
    long requests, bytes, errors, timeouts, non2xx;
    final AtomicLong requestsPublished = new AtomicLong();
    final AtomicLong bytesPublished = new AtomicLong();
    final AtomicLong errorsPublished = new AtomicLong();

    /** Called from the controlling thread: abort requests running longer than the timeout. */
    abstract void checkTimeouts(long now, long timeoutNanos);

    abstract void closeQuietly();
  }

  /** One connection and the thread driving it with blocking calls. */
  private final class Worker extends Lane {
    final HttpResponseParser parser = new HttpResponseParser();
    final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(request.length);
    final CountDownLatch finished;

    volatile SocketChannel channel;
    volatile long busySince;
    volatile long timedOutAt;

    Worker(CountDownLatch finished) {
      this.finished = finished;
      writeBuffer.put(request).flip();
    }

    @Override
    public void run() {
      int connectFailures = 0;
      try {
        while (!stop) {
          if (countBounded && permits.getAndDecrement() <= 0) {
            break;
          }
          SocketChannel ch = channel;
          boolean connecting = ch == null;
          try {
            if (connecting) {
              busySince = System.nanoTime();
              ch = SocketChannel.open();
              channel = ch;
              ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
              ch.connect(address);
              connectFailures = 0;
              connecting = false;
              readBuffer.clear().flip();
            }
            long began = System.nanoTime();
            busySince = began;
            writeBuffer.rewind();
            while (writeBuffer.hasRemaining()) {
              ch.write(writeBuffer);
            }
            parser.reset(head);
            int bytesThisResponse = 0;
            while (!parser.parse(readBuffer)) {
              readBuffer.clear();
              int n = ch.read(readBuffer);
              readBuffer.flip();
              if (n < 0) {
                if (parser.endOfStream()) {
                  break;
                }
                throw new IOException(
                    parser.inProgress()
                        ? "connection closed in the middle of a response"
                        : "connection closed before a response arrived");
              }
              bytesThisResponse += n;
            }
            long ended = System.nanoTime();
            busySince = 0;
            if (phase == PHASE_MEASURE) {
              histogram.recordValue((ended - began) / 1000);
              requestsPublished.lazySet(++requests);
              bytes += bytesThisResponse;
              bytesPublished.lazySet(bytes);
              int status = parser.status();
              if (status < 200 || status >= 300) {
                non2xx++;
              }
            }
            if (!parser.keepAlive()) {
              closeChannel();
            }
          } catch (IOException | RuntimeException e) {
            busySince = 0;
            boolean timedOut = timedOutAt != 0;
            timedOutAt = 0;
            closeChannel();
            if (stop && !timedOut) {
              break; // closed by the shutdown
            }
            if (phase == PHASE_MEASURE) {
              errors++;
              if (timedOut) {
                timeouts++;
              }
              errorsPublished.lazySet(errors);
            }
            if (connecting) {
              backOff(++connectFailures);
            }
          }
        }
      } finally {
        closeChannel();
        finished.countDown();
      }
    }

    private void backOff(int failures) {
      long millis = Math.min(50, 1L << Math.min(failures - 1, 6));
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stop = true;
      }
    }

    @Override
    void checkTimeouts(long now, long timeoutNanos) {
      long started = busySince;
      if (started != 0 && now - started > timeoutNanos) {
        timeOut(started);
      }
    }

    void timeOut(long started) {
      if (busySince == started) {
        timedOutAt = System.nanoTime();
        closeQuietly();
      }
    }

    void closeChannel() {
      SocketChannel ch = channel;
      channel = null;
      if (ch != null) {
        try {
          ch.close();
        } catch (IOException ignored) {
          // closing a socket that failed; nothing left to do
        }
      }
    }

    @Override
    void closeQuietly() {
      SocketChannel ch = channel;
      if (ch != null) {
        try {
          ch.close();
        } catch (IOException ignored) {
          // best effort
        }
      }
    }
  }

  /** Several non-blocking connections driven by one thread through a selector. */
  private final class SelectorLane extends Lane {
    final CountDownLatch finished;
    final Conn[] conns;
    final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    final ByteBuffer requestBuffer = ByteBuffer.allocateDirect(request.length);
    Selector selector;
    volatile boolean abort;
    private final long scanNanos;
    /** Connections whose response completed in this select round; their next request goes out after the round. */
    private final java.util.ArrayDeque<Conn> ready;

    SelectorLane(CountDownLatch finished, int size) {
      this.finished = finished;
      this.conns = new Conn[size];
      this.ready = new java.util.ArrayDeque<>(size);
      requestBuffer.put(request).flip();
      for (int i = 0; i < size; i++) {
        conns[i] = new Conn(requestBuffer.duplicate());
      }
      scanNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(timeoutNanos / 4, TimeUnit.MILLISECONDS.toNanos(20)));
    }

    final class Conn {
      final HttpResponseParser parser = new HttpResponseParser();
      final ByteBuffer write;
      SocketChannel channel;
      SelectionKey key;
      boolean busy;
      boolean connecting;
      boolean done;
      int connectFailures;
      long busySince;
      long began;
      long retryAt;
      int responseBytes;

      Conn(ByteBuffer write) {
        this.write = write;
      }
    }

    @Override
    public void run() {
      try {
        selector = Selector.open();
        for (Conn c : conns) {
          next(c);
        }
        long lastScan = System.nanoTime();
        long scanMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(scanNanos));
        while (!abort) {
          selector.select(this::onReady, scanMillis);
          for (Conn c = ready.poll(); c != null; c = ready.poll()) {
            next(c);
          }
          long now = System.nanoTime();
          if (now - lastScan >= scanNanos || stop) {
            lastScan = now;
            boolean active = false;
            for (Conn c : conns) {
              if (c.busy && now - c.busySince > timeoutNanos) {
                fail(c, true);
              } else if (!c.busy && !c.done && c.retryAt != 0 && now >= c.retryAt) {
                c.retryAt = 0;
                next(c);
              }
              active |= !c.done;
            }
            if (!active) {
              break;
            }
          }
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("selector failed in HTTP load lane", e);
      } finally {
        for (Conn c : conns) {
          close(c);
        }
        if (selector != null) {
          try {
            selector.close();
          } catch (IOException ignored) {
            // nothing left to release
          }
        }
        finished.countDown();
      }
    }

    private void onReady(SelectionKey key) {
      Conn c = (Conn) key.attachment();
      try {
        if (!key.isValid()) {
          return;
        }
        if (c.connecting && key.isConnectable()) {
          if (c.channel.finishConnect()) {
            c.connecting = false;
            c.connectFailures = 0;
            send(c);
          }
        } else if (key.isWritable()) {
          c.channel.write(c.write);
          if (!c.write.hasRemaining()) {
            key.interestOps(SelectionKey.OP_READ);
          }
        } else if (key.isReadable()) {
          read(c);
        }
      } catch (IOException | RuntimeException e) {
        fail(c, false);
      }
    }

    private void read(Conn c) throws IOException {
      ByteBuffer buf = readBuffer;
      buf.clear();
      int n = c.channel.read(buf);
      buf.flip();
      boolean complete;
      if (n < 0) {
        complete = c.parser.endOfStream();
        if (!complete) {
          throw new IOException("connection closed before the response was complete");
        }
      } else {
        c.responseBytes += n;
        complete = c.parser.parse(buf);
        if (complete && buf.hasRemaining()) {
          throw new IOException("server sent bytes after the response to a single request");
        }
      }
      if (!complete) {
        return;
      }
      long ended = System.nanoTime();
      c.busy = false;
      if (phase == PHASE_MEASURE) {
        histogram.recordValue((ended - c.began) / 1000);
        requestsPublished.lazySet(++requests);
        bytes += c.responseBytes;
        bytesPublished.lazySet(bytes);
        int status = c.parser.status();
        if (status < 200 || status >= 300) {
          non2xx++;
        }
      }
      if (!c.parser.keepAlive()) {
        close(c);
      }
      ready.add(c); // like wrk: requests go out once every ready response of this round is read
    }

    /** Starts the next request on {@code c}, or retires it when the run is over. */
    private void next(Conn c) {
      if (stop || abort || (countBounded && permits.getAndDecrement() <= 0)) {
        c.done = true;
        close(c);
        return;
      }
      try {
        if (c.channel == null) {
          c.busy = true;
          c.busySince = System.nanoTime();
          c.connecting = true;
          SocketChannel ch = SocketChannel.open();
          c.channel = ch;
          ch.configureBlocking(false);
          ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
          c.key = ch.register(selector, SelectionKey.OP_CONNECT, c);
          if (ch.connect(address)) {
            c.connecting = false;
            c.connectFailures = 0;
            send(c);
          }
        } else {
          send(c);
        }
      } catch (IOException | RuntimeException e) {
        fail(c, false);
      }
    }

    private void send(Conn c) throws IOException {
      c.parser.reset(head);
      c.responseBytes = 0;
      c.write.rewind();
      c.busy = true;
      c.began = System.nanoTime();
      c.busySince = c.began;
      c.channel.write(c.write);
      c.key.interestOps(c.write.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }

    private void fail(Conn c, boolean timedOut) {
      boolean wasConnecting = c.connecting;
      c.busy = false;
      close(c);
      if (phase == PHASE_MEASURE) {
        errors++;
        if (timedOut) {
          timeouts++;
        }
        errorsPublished.lazySet(errors);
      }
      if (wasConnecting && !timedOut) {
        int failures = ++c.connectFailures;
        c.retryAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(50, 1L << Math.min(failures - 1, 6)));
      } else {
        next(c);
      }
    }

    private void close(Conn c) {
      c.connecting = false;
      if (c.channel != null) {
        try {
          c.channel.close();
        } catch (IOException ignored) {
          // closing a failed socket
        }
        c.channel = null;
        c.key = null;
      }
    }

    @Override
    void checkTimeouts(long now, long timeoutNanos) {
      // the lane checks its own connections between selects
    }

    @Override
    void closeQuietly() {
      abort = true;
      Selector s = selector;
      if (s != null) {
        s.wakeup();
      }
    }
  }
}
