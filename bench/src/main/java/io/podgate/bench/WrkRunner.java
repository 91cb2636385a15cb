package io.podgate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.podgate.PodgateException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the {@code wrk} binary as a child process against one URL and reads its figures from a Lua
 * {@code done()} hook that prints one JSON line, with wrk's own "Requests/sec:" line as a cross-check.
 */
public final class WrkRunner {
  static final String JSON_MARKER = "PODGATE_WRK_JSON ";

  private static final String DONE_SCRIPT =
      "done = function(summary, latency, requests)\n"
          + "  local e = summary.errors\n"
          + "  io.write(string.format('" + JSON_MARKER + "{\"requests\":%d,\"duration_us\":%d,"
          + "\"bytes\":%d,\"connect_errors\":%d,\"read_errors\":%d,\"write_errors\":%d,"
          + "\"status_errors\":%d,\"timeouts\":%d,\"mean_us\":%.3f,\"stdev_us\":%.3f,"
          + "\"min_us\":%d,\"max_us\":%d,\"p2_5_us\":%d,\"p50_us\":%d,\"p97_5_us\":%d,"
          + "\"p99_us\":%d}\\n',\n"
          + "    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,\n"
          + "    e.status, e.timeout, latency.mean, latency.stdev, latency.min, latency.max,\n"
          + "    latency:percentile(2.5), latency:percentile(50), latency:percentile(97.5),\n"
          + "    latency:percentile(99)))\n"
          + "end\n";

  private static final Pattern REQUESTS_PER_SEC = Pattern.compile("Requests/sec:\\s+([0-9.]+)");

  /** Figures of one wrk run; latencies in milliseconds. */
  public record WrkResult(
      long requests,
      double durationSeconds,
      long bytes,
      double requestsPerSecond,
      long socketErrors,
      long timeouts,
      long non2xx3xx,
      double latencyP2_5,
      double latencyP50,
      double latencyP97_5,
      double latencyP99,
      double latencyAvg,
      double latencyStdev,
      double latencyMax,
      String rawOutput) {}

  private final Path wrk;

  public WrkRunner(Path wrkBinary) {
    this.wrk = wrkBinary;
  }

  /** Uses the first {@code wrk} on PATH, failing with an install hint when there is none. */
  public static WrkRunner onPath() {
    return new WrkRunner(
        find("wrk")
            .orElseThrow(
                () ->
                    new PodgateException(
                        "wrk not found on PATH ("
                            + System.getenv("PATH")
                            + "): install Debian's package 'wrk' (ci/install does) or pass its path"
                            + " to new WrkRunner(Path)")));
  }

  static Optional<Path> find(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * Runs {@code wrk -t<threads> -c<connections> -d<duration> --latency --timeout <timeout> -s
   * <hook> url} and parses what it printed.
   */
  public WrkResult run(String url, int threads, int connections, Duration duration, Duration timeout) {
    if (!Files.isExecutable(wrk)) {
      throw new PodgateException(
          "wrk binary " + wrk + " does not exist or is not executable: install Debian's package 'wrk'");
    }
    if (threads < 1 || connections < threads) {
      throw new PodgateException(
          "wrk needs 1 <= threads <= connections, got threads="
              + threads
              + " connections="
              + connections);
    }
    Path script = null;
    try {
      script = Files.createTempFile("podgate-wrk-", ".lua");
      Files.writeString(script, DONE_SCRIPT, StandardCharsets.UTF_8);
      List<String> command = new ArrayList<>();
      command.add(wrk.toString());
      command.add("-t" + threads);
      command.add("-c" + connections);
      command.add("-d" + wholeSeconds(duration) + "s");
      command.add("--timeout");
      command.add(wholeSeconds(timeout) + "s");
      command.add("--latency");
      command.add("-s");
      command.add(script.toString());
      command.add(url);
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      CompletableFuture<String> output = drain(process.getInputStream());
      long waitMillis = duration.toMillis() + timeout.toMillis() + 30_000;
      if (!process.waitFor(waitMillis, TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        throw new PodgateException(
            "wrk did not finish within " + waitMillis + " ms: " + String.join(" ", command));
      }
      String text = output.get(5, TimeUnit.SECONDS);
      if (process.exitValue() != 0) {
        throw new PodgateException(
            "wrk exited with " + process.exitValue() + " (" + String.join(" ", command) + "):\n" + text);
      }
      return parse(text);
    } catch (IOException e) {
      throw new PodgateException("could not run wrk at " + wrk + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PodgateException("interrupted while wrk ran against " + url, e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new PodgateException("could not read wrk's output: " + e.getMessage(), e);
    } finally {
      if (script != null) {
        try {
          Files.deleteIfExists(script);
        } catch (IOException ignored) {
          // a stray temp file is harmless
        }
      }
    }
  }

  /** wrk's time arguments accept only whole units (s, m, h): round up to whole seconds. */
  static long wholeSeconds(Duration d) {
    return Math.max(1, (d.toMillis() + 999) / 1000);
  }

  /** Parses wrk's output that includes the JSON line printed by the podgate done() hook. */
  static WrkResult parse(String output) {
    String json = null;
    for (String line : output.split("\n")) {
      int i = line.indexOf(JSON_MARKER);
      if (i >= 0) {
        json = line.substring(i + JSON_MARKER.length()).trim();
      }
    }
    if (json == null) {
      throw new PodgateException(
          "wrk printed no '" + JSON_MARKER.trim() + "' line (is this wrk 4 with Lua?); output was:\n" + output);
    }
    JsonNode n;
    try {
      n = new ObjectMapper().readTree(json);
    } catch (IOException e) {
      throw new PodgateException("wrk's JSON line is malformed: " + json, e);
    }
    long requests = field(n, "requests", json).asLong();
    double seconds = field(n, "duration_us", json).asDouble() / 1e6;
    double rps = seconds > 0 ? requests / seconds : 0;
    Matcher m = REQUESTS_PER_SEC.matcher(output);
    if (m.find()) {
      rps = Double.parseDouble(m.group(1));
    }
    return new WrkResult(
        requests,
        seconds,
        field(n, "bytes", json).asLong(),
        rps,
        field(n, "connect_errors", json).asLong()
            + field(n, "read_errors", json).asLong()
            + field(n, "write_errors", json).asLong(),
        field(n, "timeouts", json).asLong(),
        field(n, "status_errors", json).asLong(),
        field(n, "p2_5_us", json).asDouble() / 1000,
        field(n, "p50_us", json).asDouble() / 1000,
        field(n, "p97_5_us", json).asDouble() / 1000,
        field(n, "p99_us", json).asDouble() / 1000,
        field(n, "mean_us", json).asDouble() / 1000,
        field(n, "stdev_us", json).asDouble() / 1000,
        field(n, "max_us", json).asDouble() / 1000,
        output);
  }

  private static JsonNode field(JsonNode n, String name, String json) {
    JsonNode v = n.get(name);
    if (v == null || !v.isNumber()) {
      throw new PodgateException("wrk's JSON line lacks numeric field '" + name + "': " + json);
    }
    return v;
  }

  private static CompletableFuture<String> drain(InputStream in) {
    CompletableFuture<String> f = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try (in) {
                f.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                f.completeExceptionally(e);
              }
            },
            "podgate-wrk-output");
    t.setDaemon(true);
    t.start();
    return f;
  }
}
