package io.podgate.internal.measure.iperf;

import java.time.Duration;
import java.util.List;

/**
 * Runs commands somewhere: on the host, in a network namespace, or (later) inside a container.
 * Implementations report a command that cannot be started with {@link CommandNotFoundException}.
 */
public interface CommandRunner {

  /** Runs {@code command} to completion or until {@code timeout}, then kills it. */
  CommandResult run(List<String> command, Duration timeout);

  /** Starts a long-running {@code command} (a server) and returns at once. */
  RunningProcess start(List<String> command);

  /** Where commands run, for messages: "host", "netns pg-gates-1", "container abc in pod web". */
  String description();

  /** Outcome of {@link #run}. {@code exitCode} is -1 when the command was killed on timeout. */
  record CommandResult(List<String> command, int exitCode, String stdout, String stderr, boolean timedOut) {
    public boolean succeeded() {
      return !timedOut && exitCode == 0;
    }
  }

  /** A process started with {@link #start}. Closing it stops it if it still runs. */
  interface RunningProcess extends AutoCloseable {
    boolean isAlive();

    /** Stdout and stderr seen so far (best effort; some runners may only have it after exit). */
    String output();

    /** Stops the process (gracefully, then forcibly) and waits for it to go. Idempotent. */
    void stop();

    @Override
    default void close() {
      stop();
    }
  }
}
