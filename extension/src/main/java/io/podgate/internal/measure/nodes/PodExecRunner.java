package io.podgate.internal.measure.nodes;

import io.podgate.internal.cri.CriException;
import io.podgate.internal.cri.ExecResult;
import io.podgate.internal.measure.iperf.CommandNotFoundException;
import io.podgate.internal.measure.iperf.CommandRunner;
import io.podgate.internal.topology.NodePod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Runs commands inside a pod's container through CRI ExecSync. A started (long-running) command runs
 * in an ExecSync on a background thread, writes its PID to a file first, and is stopped by that PID
 * with another exec. The image needs {@code sh}, {@code cat} and {@code kill} (busybox has them).
 */
public final class PodExecRunner implements CommandRunner {
  private static final Duration LONGEST_SERVER = Duration.ofMinutes(10);
  private final NodePod pod;

  public PodExecRunner(NodePod pod) {
    this.pod = pod;
  }

  @Override
  public CommandResult run(List<String> command, Duration timeout) {
    try {
      ExecResult r = pod.exec(command, timeout);
      if (r.exitCode() == 127 || r.exitCode() == 126) {
        throw new CommandNotFoundException("'" + command.get(0) + "' cannot run in " + description() + " (exit "
            + r.exitCode() + ": " + r.stderr().strip() + ")", null);
      }
      return new CommandResult(List.copyOf(command), r.exitCode(), r.stdout(), r.stderr(), false);
    } catch (CriException e) {
      if (e.getMessage().contains("outlived its timeout") || e.code() == io.grpc.Status.Code.DEADLINE_EXCEEDED) {
        return new CommandResult(List.copyOf(command), -1, "", e.getMessage(), true);
      }
      if (e.getMessage().contains("executable file not found") || e.getMessage().contains("no such file")) {
        throw new CommandNotFoundException("'" + command.get(0) + "' not found in " + description() + ": "
            + e.getMessage(), e);
      }
      throw e;
    }
  }

  @Override
  public RunningProcess start(List<String> command) {
    String pidFile = "/tmp/podgate-" + UUID.randomUUID() + ".pid";
    List<String> wrapped = new ArrayList<>(List.of("sh", "-c", "echo $$ > " + pidFile + "; exec \"$@\"", "sh"));
    wrapped.addAll(command);
    StringBuilder output = new StringBuilder();
    Thread t = new Thread(() -> {
      try {
        ExecResult r = pod.exec(wrapped, LONGEST_SERVER);
        synchronized (output) {
          output.append(r.stdout()).append(r.stderr()).append(r.exitCode() == 0 ? "" : " (exit " + r.exitCode() + ")");
        }
      } catch (RuntimeException e) {
        synchronized (output) {
          output.append(e.getMessage());
        }
      }
    }, "podgate-pod-exec-" + pod.name());
    t.setDaemon(true);
    t.start();
    return new RunningProcess() {
      @Override
      public boolean isAlive() {
        return t.isAlive();
      }

      @Override
      public String output() {
        synchronized (output) {
          return output.toString().strip();
        }
      }

      @Override
      public void stop() {
        if (t.isAlive()) {
          try {
            pod.exec(List.of("sh", "-c", "test -f " + pidFile + " && kill $(cat " + pidFile + ")"),
                Duration.ofSeconds(10));
          } catch (RuntimeException ignored) {
            // the pod may be gone; the exec ends with it
          }
          try {
            t.join(5000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        try {
          pod.exec(List.of("rm", "-f", pidFile), Duration.ofSeconds(10));
        } catch (RuntimeException ignored) {
          // best effort
        }
      }

      @Override
      public String toString() {
        return command + " in " + description();
      }
    };
  }

  @Override
  public String description() {
    return "pod " + pod.name() + " (" + pod.ip() + ") on node " + pod.node().name();
  }
}
