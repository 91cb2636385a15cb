package io.podgate.measure;

import io.podgate.internal.measure.compare.Percent;
import io.podgate.internal.measure.api.ClientPods;
import io.podgate.internal.measure.http.HttpLoadGenerator;
import io.podgate.internal.measure.http.WrkLoad;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One HTTP load run ({@link #run()}) or paired rounds against a baseline URL ({@link #against}):
 * closed-loop keep-alive requests over a fixed number of connections, like autocannon. Get it from
 * {@link Measure#http}. Defaults: 10 connections, 10 s, no warm-up. From the test JVM (podgate's generator) or,
 * when the JVM cannot reach the target pod, as wrk from a client pod (see {@link Measure}; whole seconds only,
 * no {@code totalRequests}); {@link HttpLoadResult#via()} says which.
 */
public final class HttpLoad {
  private final Measure measure;
  private final String url;
  private String label;
  private int connections = HttpLoadOptions.DEFAULT_CONNECTIONS;
  private Duration duration = HttpLoadOptions.DEFAULT_DURATION;
  private Long totalRequests;
  private Duration warmup = Duration.ZERO;
  private Duration timeout = HttpLoadOptions.DEFAULT_TIMEOUT;
  private String method = "GET";
  private final Map<String, String> headers = new LinkedHashMap<>();

  HttpLoad(Measure measure, String url) {
    this.measure = measure;
    this.url = url;
    this.label = url;
    options(url, label); // fails now on a malformed URL, naming it
  }

  public HttpLoad connections(int connections) {
    this.connections = connections;
    options(url, label);
    return this;
  }

  public HttpLoad seconds(int seconds) {
    return duration(Duration.ofSeconds(seconds));
  }

  public HttpLoad duration(Duration duration) {
    this.duration = Objects.requireNonNull(duration, "duration");
    this.totalRequests = null;
    options(url, label);
    return this;
  }

  /** Sends exactly this many requests instead of running for a duration. */
  public HttpLoad totalRequests(long requests) {
    this.totalRequests = requests;
    options(url, label);
    return this;
  }

  /** Load before each measured run, not recorded (JIT, connections, server caches). */
  public HttpLoad warmup(Duration warmup) {
    this.warmup = Objects.requireNonNull(warmup, "warmup");
    options(url, label);
    return this;
  }

  public HttpLoad warmupSeconds(int seconds) {
    return warmup(Duration.ofSeconds(seconds));
  }

  /** Longest wait for one response; slower ones count as timeouts (errors). */
  public HttpLoad timeout(Duration timeout) {
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    options(url, label);
    return this;
  }

  public HttpLoad method(String method) {
    this.method = Objects.requireNonNull(method, "method");
    options(url, label);
    return this;
  }

  public HttpLoad header(String name, String value) {
    headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
    options(url, label);
    return this;
  }

  /** Name of this run in reports and messages (default: the URL), e.g. "nginx in pod". */
  public HttpLoad label(String label) {
    Objects.requireNonNull(label, "label");
    if (label.isBlank()) {
      throw new IllegalArgumentException("an HTTP load label must not be blank");
    }
    this.label = label;
    return this;
  }

  /** Runs the load once; the result is recorded in the test's report under the label. */
  public HttpLoadResult run() {
    HttpLoadResult r = runOnce(url, label);
    measure.report().http(label, r);
    return r;
  }

  /** A gate on this URL's requests per second against {@code baselineUrl}'s (same settings). */
  public OverheadGate against(String baselineUrl) {
    return against(baselineUrl, baselineUrl);
  }

  /**
   * A gate on this URL's requests per second against {@code baselineUrl}'s, in alternating paired
   * rounds with the same settings; set threshold and rounds, then {@code check()} or
   * {@code evaluate()}. The comparison and the median run of each side are recorded.
   */
  public OverheadGate against(String baselineUrl, String baselineLabel) {
    Objects.requireNonNull(baselineUrl, "baselineUrl");
    options(baselineUrl, baselineLabel);
    String subjectUrl = url;
    String subjectLabel = label;
    String baseLabel = baselineLabel + " (baseline)";
    List<HttpLoadResult> baseRuns = new ArrayList<>();
    List<HttpLoadResult> subjectRuns = new ArrayList<>();
    Measurement base = Measurement.named(baseLabel + " req/s", () -> {
      HttpLoadResult r = runOnce(baselineUrl, baseLabel);
      baseRuns.add(r);
      return r.averageRequestsPerSecond();
    });
    Measurement subj = Measurement.named(subjectLabel + " req/s", () -> {
      HttpLoadResult r = runOnce(subjectUrl, subjectLabel);
      subjectRuns.add(r);
      return r.averageRequestsPerSecond();
    });
    return Gates.overhead(base, subj).onResult(result -> {
      if (!baseRuns.isEmpty()) {
        measure.report().http(baseLabel, Measure.medianRun(baseRuns, HttpLoadResult::averageRequestsPerSecond));
      }
      if (!subjectRuns.isEmpty()) {
        measure.report().http(subjectLabel, Measure.medianRun(subjectRuns, HttpLoadResult::averageRequestsPerSecond));
      }
      measure.report().comparison(subjectLabel + " vs " + baseLabel + ", req/s", result);
      measure.progress(String.format(Locale.ROOT, "%s vs %s: %s, median overhead %s, CI [%s, %s], %d rounds",
          subjectLabel, baseLabel, result.verdict(), Percent.of(result.medianOverhead()),
          Percent.of(result.ciLow()), Percent.of(result.ciHigh()), result.rounds()));
    });
  }

  private HttpLoadResult runOnce(String target, String name) {
    HttpLoadOptions o = options(target, name);
    measure.progress(String.format(Locale.ROOT, "HTTP load %s: %d connections, %s", name, o.connections(),
        o.totalRequests().isPresent() ? o.totalRequests().getAsLong() + " requests"
            : o.duration().toMillis() / 1000.0 + " s"));
    Optional<ClientPods.ClientPod> client = measure.routes().clientFor(o.host(), o.port());
    HttpLoadResult r = client.isPresent() ? WrkLoad.run(client.get().runner(), o, "wrk in " + client.get().via())
        : new HttpLoadGenerator(o).run();
    measure.progress(String.format(Locale.ROOT,
        "HTTP load %s: %.0f req/s, latency p50 %.3f ms, p99 %.3f ms, errors %d, non-2xx %d, via %s", name,
        r.averageRequestsPerSecond(), r.latency().p50(), r.latency().p99(), r.errors(), r.non2xx(), r.via()));
    return r;
  }

  private HttpLoadOptions options(String target, String name) {
    HttpLoadOptions.Builder b = HttpLoadOptions.builder(target)
        .connections(connections)
        .timeout(timeout)
        .method(method)
        .progress(line -> measure.progress("HTTP load " + name + ": " + line));
    if (totalRequests != null) {
      b.totalRequests(totalRequests);
    } else {
      b.duration(duration);
    }
    if (!warmup.isZero()) {
      b.warmup(warmup);
    }
    headers.forEach(b::header);
    return b.build();
  }
}
