package io.podgate.internal.measure.iperf;

import io.podgate.measure.ThroughputOptions;
import io.podgate.measure.ThroughputResult;
import io.podgate.internal.measure.iperf.CommandRunner.CommandResult;
import io.podgate.internal.measure.iperf.CommandRunner.RunningProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One iperf3 measurement: a one-off server ({@code -s -1}) on one runner, a {@code --json} client
 * on another. The server is always stopped before {@link #measure} returns or throws.
 */
public final class Iperf3 {
  private static final int AUTO_PORT_ATTEMPTS = 3;
  private static final Duration CLIENT_SLACK = Duration.ofSeconds(15);
  private static final long RETRY_PAUSE_MS = 100;

  private final CommandRunner serverRunner;
  private final CommandRunner clientRunner;

  public Iperf3(CommandRunner serverRunner, CommandRunner clientRunner) {
    this.serverRunner = Objects.requireNonNull(serverRunner, "serverRunner");
    this.clientRunner = Objects.requireNonNull(clientRunner, "clientRunner");
  }

  /** Starts a server bound to {@code serverAddress}, runs the client against it, stops the server. */
  public ThroughputResult measure(String serverAddress, ThroughputOptions options, String label) {
    boolean autoPort = options.port() == 0;
    Iperf3Exception last = null;
    for (int attempt = 1; attempt <= (autoPort ? AUTO_PORT_ATTEMPTS : 1); attempt++) {
      int port = autoPort ? pickPort() : options.port();
      try {
        return measureOnce(serverAddress, port, options, label);
      } catch (Iperf3Exception e) {
        last = e;
        boolean portProblem = e.kind() == Iperf3Exception.Kind.SERVER_BUSY
            || (e.kind() == Iperf3Exception.Kind.SERVER_FAILED && e.getMessage().contains("in use"));
        if (!autoPort || !portProblem) {
          throw e;
        }
      }
    }
    throw last;
  }

  /** Runs only the client, against a server someone else started (e.g. a pod running iperf3 -s). */
  public ThroughputResult runClient(String serverAddress, int port, ThroughputOptions options, String label) {
    CommandResult result = runClientCommand(serverAddress, port, options);
    return interpret(result, label, null);
  }

  /** Starts {@code iperf3 -s -1 -p port -B bindAddress} on the server runner. */
  public RunningProcess startServer(String bindAddress, int port, String binary) {
    List<String> command = List.of(binary, "-s", "-1", "-p", Integer.toString(port), "-B", bindAddress);
    try {
      return serverRunner.start(command);
    } catch (CommandNotFoundException e) {
      throw missingBinary(binary, serverRunner, e.getMessage(), e);
    }
  }

  private ThroughputResult measureOnce(String serverAddress, int port, ThroughputOptions options, String label) {
    try (RunningProcess server = startServer(serverAddress, port, options.binary())) {
      long deadline = System.nanoTime() + options.serverReadyTimeout().toNanos();
      while (true) {
        CommandResult result = runClientCommand(serverAddress, port, options);
        try {
          return interpret(result, label, server);
        } catch (Iperf3Exception e) {
          boolean stillStarting = e.kind() == Iperf3Exception.Kind.SERVER_UNREACHABLE
              && server.isAlive() && System.nanoTime() < deadline;
          if (!stillStarting) {
            if (e.kind() == Iperf3Exception.Kind.SERVER_UNREACHABLE && !server.isAlive()) {
              throw serverFailed(server, serverAddress, port, options.binary());
            }
            throw e;
          }
          pause();
        }
      }
    }
  }

  private CommandResult runClientCommand(String serverAddress, int port, ThroughputOptions options) {
    List<String> command = clientCommand(serverAddress, port, options);
    Duration timeout = options.expectedLength().plus(CLIENT_SLACK);
    try {
      return clientRunner.run(command, timeout);
    } catch (CommandNotFoundException e) {
      throw missingBinary(options.binary(), clientRunner, e.getMessage(), e);
    }
  }

  static List<String> clientCommand(String serverAddress, int port, ThroughputOptions options) {
    List<String> c = new ArrayList<>(List.of(options.binary(), "-c", serverAddress, "-p", Integer.toString(port)));
    if (options.bytes().isPresent()) {
      c.addAll(List.of("-n", Long.toString(options.bytes().getAsLong())));
    } else {
      c.addAll(List.of("-t", Long.toString(options.duration().toSeconds())));
    }
    c.addAll(List.of("-P", Integer.toString(options.parallelStreams())));
    if (options.reverse()) {
      c.add("-R");
    }
    options.mss().ifPresent(m -> c.addAll(List.of("-M", Integer.toString(m))));
    if (options.omitSeconds() > 0) {
      c.addAll(List.of("-O", Integer.toString(options.omitSeconds())));
    }
    options.bindAddress().ifPresent(b -> c.addAll(List.of("-B", b)));
    c.add("--json");
    return c;
  }

  private ThroughputResult interpret(CommandResult result, String label, RunningProcess server) {
    String where = " (client on " + clientRunner.description() + ", command " + String.join(" ", result.command()) + ")";
    if (result.timedOut()) {
      throw new Iperf3Exception(Iperf3Exception.Kind.TIMEOUT,
          "iperf3 client did not finish in time and was stopped" + where + ". Stderr: "
              + Iperf3JsonParser.abbreviate(result.stderr()));
    }
    String stdout = result.stdout().strip();
    if (!stdout.startsWith("{")) {
      if (looksLikeMissingBinary(result.exitCode(), result.stderr() + stdout)) {
        throw missingBinary(result.command().get(0), clientRunner, result.stderr().strip(), null);
      }
      throw new Iperf3Exception(Iperf3Exception.Kind.BAD_OUTPUT,
          "iperf3 client exited " + result.exitCode() + " without JSON output" + where + ". Stderr: "
              + Iperf3JsonParser.abbreviate(result.stderr()) + " Stdout: " + Iperf3JsonParser.abbreviate(stdout));
    }
    try {
      return Iperf3JsonParser.parse(stdout, label);
    } catch (Iperf3Exception e) {
      throw new Iperf3Exception(e.kind(), e.getMessage() + where
          + (server == null ? "" : "; server " + server + (server.isAlive() ? "" : " exited: " + server.output())), e);
    }
  }

  private Iperf3Exception serverFailed(RunningProcess server, String address, int port, String binary) {
    String output = server.output();
    if (looksLikeMissingBinary(-2, output)) {
      return missingBinary(binary, serverRunner, output, null);
    }
    return new Iperf3Exception(Iperf3Exception.Kind.SERVER_FAILED,
        "iperf3 server on " + serverRunner.description() + " (" + address + ":" + port + ") exited before the test: "
            + (output.isBlank() ? "(no output)" : output)
            + ". Check the address exists where the server runs and the port is free.");
  }

  private static boolean looksLikeMissingBinary(int exitCode, String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    return exitCode == 127 || lower.contains("no such file or directory") || lower.contains("executable file not found")
        || lower.contains("command not found");
  }

  private static Iperf3Exception missingBinary(String binary, CommandRunner runner, String detail, Throwable cause) {
    return new Iperf3Exception(Iperf3Exception.Kind.MISSING_BINARY,
        "iperf3 executable '" + binary + "' not found on " + runner.description() + " (" + detail
            + "). Install iperf3 there (Debian: apt-get install iperf3) or set ThroughputOptions.binary(path).", cause);
  }

  private static int pickPort() {
    return ThreadLocalRandom.current().nextInt(20_000, 32_000);
  }

  private static void pause() {
    try {
      Thread.sleep(RETRY_PAUSE_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Iperf3Exception(Iperf3Exception.Kind.TIMEOUT, "Interrupted while waiting for the iperf3 server", e);
    }
  }
}
