package io.podgate.bench;

import io.podgate.internal.host.HostCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What a command-line CRI client such as crictl adds to each call: starting a Go process, dialling
 * the socket and one round trip. Measured with {@code ctr version} (containerd's own Go client, in the
 * same package as containerd) against the same socket, in the same run.
 */
final class CliClientOverhead {
  static final Path CTR = Path.of("/usr/bin/ctr");

  private CliClientOverhead() {}

  /** Median wall time of {@code ctr --address socket version} over {@code runs} runs after one warm-up, ms; empty without ctr. */
  static Optional<Double> medianMillis(Path socket, int runs) {
    if (!Files.isExecutable(CTR)) {
      return Optional.empty();
    }
    double[] times = new double[runs];
    for (int i = -1; i < runs; i++) {
      long t0 = System.nanoTime();
      runOnce(socket);
      if (i >= 0) {
        times[i] = (System.nanoTime() - t0) / 1e6;
      }
    }
    Arrays.sort(times);
    return Optional.of(CriLatencyBenchmark.median(times));
  }

  private static void runOnce(Path socket) {
    HostCommand.run(List.of(CTR.toString(), "--address", socket.toString(), "version"), null, Duration.ofSeconds(30))
        .orThrow("timing a CLI client");
  }
}
