package io.podgate.internal.measure.iperf;

import io.podgate.ExecResult;
import io.podgate.PodgateException;
import io.podgate.internal.backend.ContainerHandle;
import io.podgate.internal.backend.ExecFailure;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.pod.CriExec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs commands inside a running container through its backend's exec ({@link ContainerHandle#run}),
 * e.g. CRI ExecSync.
 *
 * <p>ExecSync blocks until the command ends, so {@link #start} runs it on a daemon thread with a
 * long timeout ({@code maxLifetime}); the runtime kills it when that passes. To stop it earlier,
 * {@code start} wraps the command in {@code /bin/sh} that writes its PID to a file in the container
 * and execs the command, and {@code stop} sends TERM (then KILL) to that PID with a second exec. So
 * {@code start} needs a POSIX {@code sh} at {@code /bin/sh} in the container; {@code run} does not.
 * Output of a started command is only known once it has ended (ExecSync returns it at the end).
 */
public final class ContainerCommandRunner implements CommandRunner {
  public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofMinutes(10);
  private static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration GRACE = Duration.ofSeconds(3);
  private static final String PID_DIR = "/tmp";

  /** Runs a command to its end in the container; throws ExecFailure when it cannot. */
  @FunctionalInterface
  private interface Exec {
    ExecResult run(List<String> command, Duration timeout);
  }

  private final Exec container;
  private final String containerId;
  private final String description;
  private final Duration maxLifetime;

  /** Commands in {@code container}; {@code description} says where, for messages. */
  public ContainerCommandRunner(ContainerHandle container, String description) {
    this(container, description, DEFAULT_MAX_LIFETIME);
  }

  /** Commands in {@code container}; a {@link #start}ed command runs at most {@code maxLifetime}. */
  public ContainerCommandRunner(ContainerHandle container, String description, Duration maxLifetime) {
    this(Objects.requireNonNull(container, "container")::run, container.id(), description, maxLifetime);
  }

  /** Commands in a container reached directly through CRI (benchmarks and daemon tests without pods of a backend). */
  public ContainerCommandRunner(CriClient cri, String containerId, String description) {
    this(cri, containerId, description, DEFAULT_MAX_LIFETIME);
  }

  /**
   * @param description where commands run, for messages, e.g. "container iperf in pod server"
   * @param maxLifetime how long a {@link #start}ed command may run before the runtime ends it
   */
  public ContainerCommandRunner(CriClient cri, String containerId, String description, Duration maxLifetime) {
    this(criExec(Objects.requireNonNull(cri, "cri"), Objects.requireNonNull(containerId, "containerId")), containerId,
        description, maxLifetime);
  }

  private static Exec criExec(CriClient cri, String containerId) {
    return (command, timeout) -> CriExec.run(cri, containerId, command, timeout);
  }

  private ContainerCommandRunner(Exec container, String containerId, String description, Duration maxLifetime) {
    this.container = container;
    this.containerId = Objects.requireNonNull(containerId, "containerId");
    this.description = Objects.requireNonNull(description, "description");
    this.maxLifetime = Objects.requireNonNull(maxLifetime, "maxLifetime");
    if (maxLifetime.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("maxLifetime must be at least 1 s, got " + maxLifetime);
    }
  }

  public String containerId() {
    return containerId;
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public CommandResult run(List<String> command, Duration timeout) {
    return exec(command, timeout);
  }

  private CommandResult exec(List<String> command, Duration timeout) {
    try {
      ExecResult r = container.run(command, timeout);
      return new CommandResult(List.copyOf(command), r.exitCode(), r.stdout(), r.stderr(), false);
    } catch (ExecFailure e) {
      if (e.reason() == ExecFailure.Reason.TIMED_OUT) {
        return new CommandResult(List.copyOf(command), -1, "", e.getMessage(), true);
      }
      if (e.reason() == ExecFailure.Reason.NO_SUCH_EXECUTABLE) {
        throw new CommandNotFoundException("Could not start " + command + " on " + description + ": "
            + e.getMessage() + ". Is '" + command.get(0) + "' in the container's image?", e);
      }
      throw e;
    }
  }

  @Override
  public RunningProcess start(List<String> command) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("start needs a command to run on " + description);
    }
    String pidFile = PID_DIR + "/podgate-" + UUID.randomUUID().toString().substring(0, 12) + ".pid";
    List<String> wrapped = new ArrayList<>(List.of("/bin/sh", "-c", "echo $$ > " + pidFile + " && exec \"$@\"", "sh"));
    wrapped.addAll(command);
    CompletableFuture<CommandResult> done = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        done.complete(exec(wrapped, maxLifetime));
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    }, "podgate-exec-" + containerId.substring(0, Math.min(12, containerId.length())));
    t.setDaemon(true);
    t.start();
    return new ExecProcess(command, pidFile, done);
  }

  private final class ExecProcess implements RunningProcess {
    private final List<String> command;
    private final String pidFile;
    private final CompletableFuture<CommandResult> done;
    private final AtomicBoolean stopped = new AtomicBoolean();

    ExecProcess(List<String> command, String pidFile, CompletableFuture<CommandResult> done) {
      this.command = List.copyOf(command);
      this.pidFile = pidFile;
      this.done = done;
    }

    @Override
    public boolean isAlive() {
      return !done.isDone();
    }

    @Override
    public String output() {
      if (!done.isDone()) {
        return "";
      }
      try {
        CommandResult r = done.getNow(null);
        return (r.stdout() + r.stderr()).strip();
      } catch (RuntimeException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        return String.valueOf(cause.getMessage());
      }
    }

    @Override
    public void stop() {
      if (!stopped.compareAndSet(false, true)) {
        return;
      }
      try {
        if (!done.isDone()) {
          signal("TERM");
          if (!awaitDone(GRACE)) {
            signal("KILL");
            if (!awaitDone(GRACE)) {
              throw new PodgateException(String.format(Locale.ROOT,
                  "%s on %s did not end after TERM and KILL (pid file %s in container %s); the runtime ends it"
                      + " after its %s exec timeout at the latest", command, description, pidFile, containerId,
                  maxLifetime));
            }
          }
        }
      } finally {
        removePidFile();
      }
    }

    /** Kills the PID from the pid file; waits briefly for the file if the wrapper has not written it yet. */
    private void signal(String signal) {
      String script = "i=0; while [ ! -s " + pidFile + " ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i+1)); done; "
          + "[ -s " + pidFile + " ] && kill -" + signal + " $(cat " + pidFile + ") 2>/dev/null; exit 0";
      try {
        container.run(List.of("/bin/sh", "-c", script), CONTROL_TIMEOUT);
      } catch (ExecFailure e) {
        if (e.reason() == ExecFailure.Reason.NO_SUCH_CONTAINER || !isAlive()) {
          return; // container gone or command ended meanwhile: nothing left to signal
        }
        throw new PodgateException("could not send " + signal + " to " + command + " on " + description + ": "
            + e.getMessage(), e);
      }
    }

    private void removePidFile() {
      try {
        container.run(List.of("/bin/sh", "-c", "rm -f " + pidFile), CONTROL_TIMEOUT);
      } catch (ExecFailure ignored) {
        // container already gone: the file went with it
      }
    }

    private boolean awaitDone(Duration wait) {
      try {
        done.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        return true;
      } catch (TimeoutException e) {
        return false;
      } catch (ExecutionException e) {
        return true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return done.isDone();
      }
    }

    @Override
    public String toString() {
      return command + " on " + description;
    }
  }
}
