package io.podgate.internal.measure.iperf;

import io.podgate.PodgateException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs commands as child processes of this JVM; stops them by PID. */
public class HostCommandRunner implements CommandRunner {
  private static final Duration GRACE = Duration.ofSeconds(3);

  /** Prefix put before every command (e.g. {@code ip netns exec ns}); empty on the host. */
  protected List<String> prefix() {
    return List.of();
  }

  @Override
  public String description() {
    return "host";
  }

  @Override
  public CommandResult run(List<String> command, Duration timeout) {
    Process process = launch(command);
    Capture out = Capture.of(process.getInputStream(), "stdout");
    Capture err = Capture.of(process.getErrorStream(), "stderr");
    boolean finished;
    try {
      finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      stopByPid(process.pid());
      Thread.currentThread().interrupt();
      throw new PodgateException("Interrupted while running " + command + " on " + description(), e);
    }
    if (!finished) {
      stopByPid(process.pid());
    }
    out.join();
    err.join();
    return new CommandResult(List.copyOf(command), finished ? process.exitValue() : -1, out.text(), err.text(), !finished);
  }

  @Override
  public RunningProcess start(List<String> command) {
    Process process = launch(command);
    Capture out = Capture.of(process.getInputStream(), "stdout");
    Capture err = Capture.of(process.getErrorStream(), "stderr");
    long pid = process.pid();
    return new RunningProcess() {
      @Override
      public boolean isAlive() {
        return process.isAlive();
      }

      @Override
      public String output() {
        return (out.text() + err.text()).strip();
      }

      @Override
      public void stop() {
        stopByPid(pid);
      }

      @Override
      public String toString() {
        return "pid " + pid + " " + command + " on " + description();
      }
    };
  }

  private Process launch(List<String> command) {
    List<String> full = new ArrayList<>(prefix());
    full.addAll(command);
    try {
      return new ProcessBuilder(full).redirectInput(ProcessBuilder.Redirect.PIPE).start();
    } catch (IOException e) {
      throw new CommandNotFoundException(
          "Could not start " + full + " on " + description() + ": " + e.getMessage()
              + ". Is '" + full.get(0) + "' installed and on PATH?", e);
    }
  }

  /** Stops exactly this PID: SIGTERM, a grace period, then SIGKILL. */
  static void stopByPid(long pid) {
    ProcessHandle.of(pid).ifPresent(handle -> {
      handle.destroy();
      try {
        handle.onExit().get(GRACE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        handle.destroyForcibly();
        try {
          handle.onExit().get(GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception ignored) {
          // reported by the caller's own checks; nothing else to do with a process that ignores SIGKILL
        }
      }
    });
  }

  /** Drains one stream on a daemon thread so the child never blocks on a full pipe. */
  private static final class Capture {
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final Thread thread;

    private Capture(InputStream in, String name) {
      thread = new Thread(() -> {
        byte[] chunk = new byte[8192];
        try (in) {
          int n;
          while ((n = in.read(chunk)) >= 0) {
            synchronized (buffer) {
              buffer.write(chunk, 0, n);
            }
          }
        } catch (IOException ignored) {
          // stream closed because the process ended
        }
      }, "podgate-capture-" + name);
      thread.setDaemon(true);
    }

    static Capture of(InputStream in, String name) {
      Capture c = new Capture(in, name);
      c.thread.start();
      return c;
    }

    void join() {
      try {
        thread.join(GRACE.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    String text() {
      synchronized (buffer) {
        return buffer.toString(StandardCharsets.UTF_8);
      }
    }
  }
}
