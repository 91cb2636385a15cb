package io.podgate.measure;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * How one iperf3 throughput run is made. Immutable; build with {@link #builder()}.
 *
 * <p>Port 0 (the default) lets podgate pick a free-looking high port and retry another one if the
 * server cannot listen or is busy; an explicit port is used as given and its failures are reported.
 */
public final class ThroughputOptions {
  private final Duration duration;
  private final OptionalLong bytes;
  private final int parallelStreams;
  private final boolean reverse;
  private final OptionalInt mss;
  private final int port;
  private final int omitSeconds;
  private final Optional<String> bindAddress;
  private final String binary;
  private final Duration serverReadyTimeout;

  private ThroughputOptions(Builder b) {
    this.duration = b.duration;
    this.bytes = b.bytes;
    this.parallelStreams = b.parallelStreams;
    this.reverse = b.reverse;
    this.mss = b.mss;
    this.port = b.port;
    this.omitSeconds = b.omitSeconds;
    this.bindAddress = b.bindAddress;
    this.binary = b.binary;
    this.serverReadyTimeout = b.serverReadyTimeout;
  }

  public static Builder builder() {
    return new Builder();
  }

  public static ThroughputOptions defaults() {
    return builder().build();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.duration = duration;
    b.bytes = bytes;
    b.parallelStreams = parallelStreams;
    b.reverse = reverse;
    b.mss = mss;
    b.port = port;
    b.omitSeconds = omitSeconds;
    b.bindAddress = bindAddress;
    b.binary = binary;
    b.serverReadyTimeout = serverReadyTimeout;
    return b;
  }

  /** Length of the measured part of the run (iperf3 {@code -t}), whole seconds. */
  public Duration duration() {
    return duration;
  }

  /**
   * iperf3 {@code -n}: when present the run sends this many bytes instead of lasting
   * {@link #duration()} (short, sub-second runs for many gate rounds).
   */
  public OptionalLong bytes() {
    return bytes;
  }

  /** Longest a client run may take before it is stopped: the duration, or 60 s for a byte count. */
  public Duration expectedLength() {
    return bytes.isPresent() ? Duration.ofSeconds(60) : duration.plusSeconds(omitSeconds);
  }

  /** iperf3 {@code -P}. */
  public int parallelStreams() {
    return parallelStreams;
  }

  /** iperf3 {@code -R}: the server sends, the client receives. */
  public boolean reverse() {
    return reverse;
  }

  /** iperf3 {@code -M}; empty means the path's own MSS (baselines may pick one, see their label). */
  public OptionalInt mss() {
    return mss;
  }

  /** Server port; 0 means "pick one". */
  public int port() {
    return port;
  }

  /** iperf3 {@code -O}: seconds at the start left out of the totals (slow start). */
  public int omitSeconds() {
    return omitSeconds;
  }

  /** iperf3 {@code -B} on the client: the local address it sends from. */
  public Optional<String> bindAddress() {
    return bindAddress;
  }

  /** The iperf3 executable name or path, as the runner resolves it. */
  public String binary() {
    return binary;
  }

  /** How long the client keeps retrying "connection refused" while the server starts. */
  public Duration serverReadyTimeout() {
    return serverReadyTimeout;
  }

  @Override
  public String toString() {
    return "ThroughputOptions{" + (bytes.isPresent() ? "n=" + bytes.getAsLong() + "B" : "t=" + duration.toSeconds() + "s")
        + ", P=" + parallelStreams
        + (reverse ? ", reverse" : "") + (mss.isPresent() ? ", M=" + mss.getAsInt() : "")
        + ", port=" + (port == 0 ? "auto" : port) + (omitSeconds > 0 ? ", O=" + omitSeconds : "")
        + bindAddress.map(a -> ", B=" + a).orElse("") + "}";
  }

  public static final class Builder {
    private Duration duration = Duration.ofSeconds(10);
    private OptionalLong bytes = OptionalLong.empty();
    private int parallelStreams = 1;
    private boolean reverse;
    private OptionalInt mss = OptionalInt.empty();
    private int port;
    private int omitSeconds;
    private Optional<String> bindAddress = Optional.empty();
    private String binary = "iperf3";
    private Duration serverReadyTimeout = Duration.ofSeconds(5);

    private Builder() {}

    public Builder duration(Duration duration) {
      Objects.requireNonNull(duration, "duration");
      if (duration.toSeconds() < 1 || duration.toNanos() % 1_000_000_000L != 0) {
        throw new IllegalArgumentException(
            "iperf3 duration must be a whole number of seconds >= 1, got " + duration);
      }
      this.duration = duration;
      this.bytes = OptionalLong.empty();
      return this;
    }

    /** Send {@code bytes} (iperf3 {@code -n}) instead of running for a duration; at least 1 MiB. */
    public Builder bytes(long bytes) {
      if (bytes < 1L << 20) {
        throw new IllegalArgumentException("iperf3 byte count must be at least 1 MiB (1048576), got " + bytes);
      }
      this.bytes = OptionalLong.of(bytes);
      return this;
    }

    public Builder durationSeconds(int seconds) {
      return duration(Duration.ofSeconds(seconds));
    }

    public Builder parallelStreams(int streams) {
      if (streams < 1 || streams > 128) {
        throw new IllegalArgumentException("parallel streams must be 1..128, got " + streams);
      }
      this.parallelStreams = streams;
      return this;
    }

    public Builder reverse(boolean reverse) {
      this.reverse = reverse;
      return this;
    }

    public Builder mss(int mss) {
      if (mss < 88 || mss > 65535) {
        throw new IllegalArgumentException("MSS must be 88..65535 bytes, got " + mss);
      }
      this.mss = OptionalInt.of(mss);
      return this;
    }

    /** Forget an MSS set earlier; the path's default applies. */
    public Builder pathDefaultMss() {
      this.mss = OptionalInt.empty();
      return this;
    }

    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0 (auto) or 1..65535, got " + port);
      }
      this.port = port;
      return this;
    }

    public Builder omitSeconds(int seconds) {
      if (seconds < 0) {
        throw new IllegalArgumentException("omit seconds must be >= 0, got " + seconds);
      }
      this.omitSeconds = seconds;
      return this;
    }

    public Builder bindAddress(String address) {
      this.bindAddress = Optional.of(Objects.requireNonNull(address, "address"));
      return this;
    }

    public Builder binary(String binary) {
      this.binary = Objects.requireNonNull(binary, "binary");
      return this;
    }

    public Builder serverReadyTimeout(Duration timeout) {
      this.serverReadyTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    public ThroughputOptions build() {
      return new ThroughputOptions(this);
    }
  }
}
