package io.podgate.measure;

import io.podgate.PodgateException;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * What an in-JVM HTTP load run does: closed-loop HTTP/1.1 keep-alive requests over a fixed number
 * of connections, bounded by a duration or by a total request count. Immutable; build with {@link
 * #builder(String)}.
 */
public final class HttpLoadOptions {
  public static final int DEFAULT_CONNECTIONS = 10;
  public static final Duration DEFAULT_DURATION = Duration.ofSeconds(10);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(5);

  private static final Pattern IPV4 =
      Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  private final URI target;
  private final int connections;
  private final Duration duration;
  private final long totalRequests;
  private final String method;
  private final Map<String, String> headers;
  private final Duration timeout;
  private final Duration warmup;
  private final Consumer<String> progress;

  private HttpLoadOptions(Builder b) {
    this.target = b.target;
    this.connections = b.connections;
    this.duration = b.duration;
    this.totalRequests = b.totalRequests;
    this.method = b.method;
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
    this.timeout = b.timeout;
    this.warmup = b.warmup;
    this.progress = b.progress;
  }

  /** Starts options for {@code target}, e.g. {@code http://127.0.0.1:8080/index.html}. */
  public static Builder builder(String target) {
    Objects.requireNonNull(target, "target");
    final URI uri;
    try {
      uri = URI.create(target);
    } catch (IllegalArgumentException e) {
      throw new PodgateException(
          "HTTP load target '" + target + "' is not a valid URI: " + e.getMessage(), e);
    }
    return new Builder(uri);
  }

  public static Builder builder(URI target) {
    return new Builder(Objects.requireNonNull(target, "target"));
  }

  public URI target() {
    return target;
  }

  /** Host part of the target as used to connect: an IP literal (brackets removed) or localhost. */
  public String host() {
    String h = target.getHost();
    return h.startsWith("[") ? h.substring(1, h.length() - 1) : h;
  }

  /** Port of the target (80 when the URI has none). */
  public int port() {
    return target.getPort() < 0 ? 80 : target.getPort();
  }

  /** Path and query as sent in the request line ("/" when empty). */
  public String requestTarget() {
    String path = target.getRawPath();
    if (path == null || path.isEmpty()) {
      path = "/";
    }
    return target.getRawQuery() == null ? path : path + "?" + target.getRawQuery();
  }

  public int connections() {
    return connections;
  }

  /** How long the measurement runs; ignored when {@link #totalRequests()} is set. */
  public Duration duration() {
    return duration;
  }

  /** When present, the run sends exactly this many requests instead of running for a duration. */
  public OptionalLong totalRequests() {
    return totalRequests > 0 ? OptionalLong.of(totalRequests) : OptionalLong.empty();
  }

  public String method() {
    return method;
  }

  /** Extra request headers in sending order (Host is always sent). */
  public Map<String, String> headers() {
    return headers;
  }

  /** Longest wait for one response; a request waiting longer counts as a timeout. */
  public Duration timeout() {
    return timeout;
  }

  /** Load applied before the measurement starts; its responses are not recorded. */
  public Duration warmup() {
    return warmup;
  }

  /** Receives a progress line at least every {@link #PROGRESS_INTERVAL} of a longer run. */
  public Consumer<String> progress() {
    return progress;
  }

  @Override
  public String toString() {
    return "HttpLoadOptions{"
        + method
        + " "
        + target
        + ", connections="
        + connections
        + (totalRequests > 0 ? ", requests=" + totalRequests : ", duration=" + duration)
        + ", timeout="
        + timeout
        + (warmup.isZero() ? "" : ", warmup=" + warmup)
        + "}";
  }

  /** Builder; every setter validates at once and names the bad value. */
  public static final class Builder {
    private final URI target;
    private int connections = DEFAULT_CONNECTIONS;
    private Duration duration = DEFAULT_DURATION;
    private boolean durationSet;
    private long totalRequests;
    private String method = "GET";
    private final Map<String, String> headers = new LinkedHashMap<>();
    private Duration timeout = DEFAULT_TIMEOUT;
    private Duration warmup = Duration.ZERO;
    private Consumer<String> progress = System.out::println;

    private Builder(URI target) {
      this.target = validateTarget(target);
    }

    public Builder connections(int connections) {
      if (connections < 1 || connections > 10_000) {
        throw new PodgateException(
            "connections must be between 1 and 10000, got " + connections);
      }
      this.connections = connections;
      return this;
    }

    /** Run for this long (the default, 10 s). Excludes {@link #totalRequests(long)}. */
    public Builder duration(Duration duration) {
      requirePositive("duration", duration);
      if (totalRequests > 0) {
        throw new PodgateException(
            "set either duration or totalRequests, not both (totalRequests=" + totalRequests + ")");
      }
      this.duration = duration;
      this.durationSet = true;
      return this;
    }

    /** Send exactly this many requests, then stop. Excludes {@link #duration(Duration)}. */
    public Builder totalRequests(long totalRequests) {
      if (totalRequests < 1) {
        throw new PodgateException("totalRequests must be at least 1, got " + totalRequests);
      }
      if (durationSet) {
        throw new PodgateException(
            "set either duration or totalRequests, not both (duration=" + duration + ")");
      }
      this.totalRequests = totalRequests;
      return this;
    }

    /** Request method without a body: GET (default) or HEAD. */
    public Builder method(String method) {
      String m = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
      if (!m.equals("GET") && !m.equals("HEAD")) {
        throw new PodgateException(
            "HTTP load supports the methods GET and HEAD (requests without a body), got '"
                + method
                + "'");
      }
      this.method = m;
      return this;
    }

    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "header name");
      Objects.requireNonNull(value, "header value");
      if (!TOKEN.matcher(name).matches()) {
        throw new PodgateException("header name '" + name + "' is not a valid HTTP token");
      }
      if (name.equalsIgnoreCase("host") || name.equalsIgnoreCase("content-length")
          || name.equalsIgnoreCase("transfer-encoding")) {
        throw new PodgateException(
            "header '" + name + "' is set by podgate itself and cannot be overridden");
      }
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c == '\r' || c == '\n' || c > 0x7e || (c < 0x20 && c != '\t')) {
          throw new PodgateException(
              "header '" + name + "' has a control or non-ASCII character at index " + i);
        }
      }
      headers.put(name, value);
      return this;
    }

    public Builder timeout(Duration timeout) {
      requirePositive("timeout", timeout);
      this.timeout = timeout;
      return this;
    }

    public Builder warmup(Duration warmup) {
      Objects.requireNonNull(warmup, "warmup");
      if (warmup.isNegative()) {
        throw new PodgateException("warmup must not be negative, got " + warmup);
      }
      this.warmup = warmup;
      return this;
    }

    /** Where progress lines go (default System.out); {@code line -> {}} silences them. */
    public Builder progress(Consumer<String> progress) {
      this.progress = Objects.requireNonNull(progress, "progress");
      return this;
    }

    public HttpLoadOptions build() {
      return new HttpLoadOptions(this);
    }

    private static void requirePositive(String what, Duration d) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new PodgateException(what + " must be positive, got " + d);
      }
    }

    private static URI validateTarget(URI uri) {
      if (!"http".equalsIgnoreCase(uri.getScheme())) {
        throw new PodgateException(
            "HTTP load target '" + uri + "' must use http:// (https is not supported)");
      }
      String host = uri.getHost();
      if (host == null) {
        throw new PodgateException("HTTP load target '" + uri + "' has no host");
      }
      boolean ipv6 = host.startsWith("[") && host.endsWith("]") && host.indexOf(':') > 0;
      if (!ipv6 && !IPV4.matcher(host).matches() && !host.equalsIgnoreCase("localhost")) {
        throw new PodgateException(
            "HTTP load target host '"
                + host
                + "' must be an IP address or localhost (podgate never resolves names): use the pod IP"
                + " or 127.0.0.1");
      }
      if (uri.getRawUserInfo() != null) {
        throw new PodgateException("HTTP load target '" + uri + "' must not carry user info");
      }
      return uri;
    }
  }
}
