package io.podgate.internal.measure.http;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The load generator's engine: several non-blocking connections driven by one thread through a
 * selector, sending the next requests once a round's ready responses are read, as wrk does. Its
 * figures are written by its own thread only; the generator reads them through the atomics while it
 * runs and from the fields once the lane is finished.
 */
final class SelectorLane implements Runnable {
  final Histogram histogram = new Histogram(3);
  long requests, bytes, errors, timeouts, non2xx;
  final AtomicLong requestsPublished = new AtomicLong();
  final AtomicLong bytesPublished = new AtomicLong();
  final AtomicLong errorsPublished = new AtomicLong();

  private final HttpLoadGenerator generator;
  private final long timeoutNanos;
  final CountDownLatch finished;
  final Conn[] conns;
  final ByteBuffer readBuffer = ByteBuffer.allocateDirect(HttpLoadGenerator.READ_BUFFER_BYTES);
  final ByteBuffer requestBuffer;
  Selector selector;
  volatile boolean abort;
  private final long scanNanos;
  /** Connections whose response completed in this select round; their next request goes out after the round. */
  private final java.util.ArrayDeque<Conn> ready;

  SelectorLane(HttpLoadGenerator generator, CountDownLatch finished, int size) {
    this.generator = generator;
    this.timeoutNanos = generator.timeoutNanos;
    this.finished = finished;
    byte[] request = generator.request;
    this.conns = new Conn[size];
    this.ready = new java.util.ArrayDeque<>(size);
    requestBuffer = ByteBuffer.allocateDirect(request.length);
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
        if (now - lastScan >= scanNanos || generator.stop) {
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
    if (generator.measuring()) {
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
    if (generator.stop || abort || !generator.takePermit()) {
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
        if (ch.connect(generator.address)) {
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
    c.parser.reset(generator.head);
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
    if (generator.measuring()) {
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

  /** Ends the lane's loop from another thread; the lane closes its connections itself. */
  void closeQuietly() {
    abort = true;
    Selector s = selector;
    if (s != null) {
      s.wakeup();
    }
  }
}
