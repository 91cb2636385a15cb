package io.podgate.internal.host;

import io.podgate.PodgateException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a host tool (ip, iptables-save, umount...) and captures its combined output. */
public final class HostCommand {
  public record Result(List<String> command, int exitCode, String output) {
    public boolean ok() {
      return exitCode == 0;
    }

    public Result orThrow(String what) {
      if (!ok()) {
        throw new PodgateException(what + ": `" + String.join(" ", command) + "` exited " + exitCode + ": "
            + output.strip());
      }
      return this;
    }
  }

  private HostCommand() {}

  public static Result run(List<String> command) {
    return run(command, null, Duration.ofSeconds(30));
  }

  public static Result run(List<String> command, String stdin, Duration timeout) {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new PodgateException("could not run `" + String.join(" ", command) + "`: " + e.getMessage()
          + " (is " + command.get(0) + " installed and on PATH?)", e);
    }
    try {
      try (OutputStream in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Thread reader = new Thread(() -> copy(p.getInputStream(), out), "podgate-cmd-output");
      reader.setDaemon(true);
      reader.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
        throw new PodgateException("`" + String.join(" ", command) + "` did not finish within " + timeout);
      }
      reader.join(5000);
      String text;
      synchronized (out) {
        text = out.toString(StandardCharsets.UTF_8);
      }
      return new Result(command, p.exitValue(), text);
    } catch (IOException e) {
      p.destroyForcibly();
      throw new PodgateException("`" + String.join(" ", command) + "` failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new PodgateException("interrupted while running `" + String.join(" ", command) + "`", e);
    }
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    byte[] buf = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        synchronized (out) {
          out.write(buf, 0, n);
        }
      }
    } catch (IOException ignored) {
      // the process ended; what was read is kept
    }
  }
}
