package io.podgate.internal.measure.http;

import io.podgate.internal.measure.api.MeasureInternals;
import io.podgate.measure.HttpLoadOptions;
import io.podgate.measure.HttpLoadResult;
import io.podgate.PodgateException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Closed-loop HTTP/1.1 keep-alive load generator: min(connections, available processors) threads, each
 * a {@link SelectorLane} driving its share of non-blocking connections, with a pre-encoded request and a
 * byte-level response parser, so the generator itself stays cheaper than the server it measures (0.93
 * of wrk's req/s against a pod's nginx on a 2-core runner, where a thread per connection reached 0.75
 * to 0.88). Latencies go into per-lane HdrHistograms (microseconds) merged at the end; completed responses and bytes are sampled once per second.
 */
public final class HttpLoadGenerator {
  static final int READ_BUFFER_BYTES = 64 * 1024;
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private static final int PHASE_WARMUP = 0;
  private static final int PHASE_MEASURE = 1;
  private static final int PHASE_DONE = 2;

  private final HttpLoadOptions options;
  final InetSocketAddress address;
  final byte[] request;
  final boolean head;
  final long timeoutNanos;

  private volatile int phase = PHASE_WARMUP;
  volatile boolean stop;
  private final AtomicLong permits = new AtomicLong(Long.MAX_VALUE);
  private final boolean countBounded;

  public HttpLoadGenerator(HttpLoadOptions options) {
    this.options = options;
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
    int laneCount = Math.min(n, Runtime.getRuntime().availableProcessors());
    SelectorLane[] workers = new SelectorLane[laneCount];
    CountDownLatch finished = new CountDownLatch(laneCount);
    Thread[] threads = new Thread[laneCount];
    long watchdogNanos =
        Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(timeoutNanos / 4, TimeUnit.MILLISECONDS.toNanos(50)));
    boolean warmup = !options.warmup().isZero();
    phase = warmup ? PHASE_WARMUP : PHASE_MEASURE;
    for (int i = 0; i < laneCount; i++) {
      workers[i] = new SelectorLane(this, finished, n / laneCount + (i < n % laneCount ? 1 : 0));
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
        finished.await(watchdogNanos, TimeUnit.NANOSECONDS);
      }
      for (SelectorLane w : workers) {
        w.closeQuietly();
      }
      for (Thread t : threads) {
        t.join(TimeUnit.SECONDS.toMillis(5));
      }
      return collect(workers, start, end, requestsPerSecond, bytesPerSecond, samples);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop = true;
      for (SelectorLane w : workers) {
        w.closeQuietly();
      }
      throw new PodgateException("HTTP load run against " + options.target() + " was interrupted", e);
    } finally {
      stop = true;
    }
  }

  private String progressLine(long elapsedNanos, long requests, long lastSecond, SelectorLane[] workers) {
    long errors = 0;
    for (SelectorLane w : workers) {
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
      SelectorLane[] workers, long start, long end, long[] rps, long[] bps, int samples) {
    Histogram merged = new Histogram(3);
    long requests = 0, bytes = 0, errors = 0, timeouts = 0, non2xx = 0;
    for (SelectorLane w : workers) {
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

  private static long sum(SelectorLane[] workers, boolean requests) {
    long total = 0;
    for (SelectorLane w : workers) {
      total += requests ? w.requestsPublished.get() : w.bytesPublished.get();
    }
    return total;
  }

  /** Whether responses completing now are recorded (not in the warm-up, not after the end). */
  boolean measuring() {
    return phase == PHASE_MEASURE;
  }

  /** Takes one request of a count-bounded run; always true for a run bounded by time. */
  boolean takePermit() {
    return !countBounded || permits.getAndDecrement() > 0;
  }

  private static final class OptionalCount {
    final boolean bounded;
    final long value;

    OptionalCount(long value) {
      this.bounded = value > 0;
      this.value = value;
    }
  }

}
