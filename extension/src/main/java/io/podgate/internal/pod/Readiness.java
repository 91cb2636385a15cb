package io.podgate.internal.pod;

import static org.awaitility.Awaitility.await;

import io.podgate.ContainerState;
import io.podgate.LogEntry;
import io.podgate.PodgateException;
import io.podgate.internal.pod.ContainerSpec.WaitSpec;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.pollinterval.IterativePollInterval;

/** Waits until a container meets its {@link WaitSpec}, or fails with its state and log tail. */
final class Readiness {
  /** Probes start 5 ms apart and double up to 200 ms: a server up within a few ms is seen within a few ms. */
  private static final Duration FIRST_POLL = Duration.ofMillis(5);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
  /**
   * A SYN sent while the pod's veth is still coming up is lost and the kernel retries it only after
   * 1 s; a short connect timeout lets the next probe send a fresh one instead.
   */
  private static final Duration CONNECT_TIMEOUT = Duration.ofMillis(200);
  private static final int LOG_TAIL_ENTRIES = 20;

  private Readiness() {}

  static void awaitReady(RunningPod pod, RunningContainer c, WaitSpec w) {
    List<String> pending = new ArrayList<>();
    Pattern log = w.logRegex().isEmpty() ? null : Pattern.compile(w.logRegex());
    try {
      await().atMost(w.timeout()).pollDelay(Duration.ZERO)
          .pollInterval(IterativePollInterval.iterative(d -> d.multipliedBy(2).compareTo(POLL) > 0 ? POLL : d.multipliedBy(2),
              FIRST_POLL))
          .until(() -> {
            ContainerState state = c.status();
            boolean exitedOk = state.state() == ContainerState.State.EXITED && state.exitCode() == 0 && w.onlyRunning();
            if (state.state() == ContainerState.State.EXITED && !exitedOk) {
              throw new ContainerDied(state);
            }
            pending.clear();
            if (state.state() != ContainerState.State.RUNNING && !exitedOk) {
              pending.add("state RUNNING (now " + state.state() + ")");
            }
            if (w.tcpPort() != 0 && !tcpAccepts(pod.ip(), w.tcpPort())) {
              pending.add("TCP port " + w.tcpPort() + " accepting on " + pod.ip());
            }
            if (!w.httpPath().isEmpty()) {
              int status = httpStatus(pod.ip(), w.effectiveHttpPort(), w.httpPath());
              if (status != w.httpStatus()) {
                pending.add("HTTP " + w.httpStatus() + " from http://" + pod.ip() + ":" + w.effectiveHttpPort()
                    + w.httpPath() + " (last: " + (status < 0 ? "no answer" : status) + ")");
              }
            }
            if (log != null) {
              String unmatched = logUnmatched(c, log);
              if (unmatched != null) {
                pending.add("a log line matching /" + w.logRegex() + "/" + unmatched);
              }
            }
            if (!w.exec().isEmpty()) {
              int exit;
              try {
                exit = c.exec(PROBE_TIMEOUT, w.exec().toArray(String[]::new)).exitCode();
              } catch (RuntimeException e) {
                exit = -1;
              }
              if (exit != 0) {
                pending.add("exec " + w.exec() + " exiting 0 (last exit " + exit + ")");
              }
            }
            return pending.isEmpty();
          });
    } catch (ContainerDied died) {
      throw new PodgateException(c.origin() + ": container '" + c.name() + "' of pod '" + pod.name() + "' exited before it was ready: "
          + describe(died.state) + logTail(c));
    } catch (ConditionTimeoutException e) {
      ContainerState last;
      try {
        last = c.status();
      } catch (RuntimeException statusFailure) {
        last = new ContainerState(ContainerState.State.UNKNOWN, -1, statusFailure.getMessage());
      }
      throw new PodgateException(c.origin() + ": container '" + c.name() + "' of pod '" + pod.name() + "' (IP " + pod.ip()
          + ") not ready after " + w.timeout().toSeconds() + " s (waitFor.timeoutSeconds); still waiting for "
          + String.join(", ", pending) + "; last state " + describe(last) + logTail(c));
    }
  }

  private static String describe(ContainerState s) {
    String text = s.state().toString();
    if (s.state() == ContainerState.State.EXITED) {
      text += " with exit code " + s.exitCode();
    }
    if (s.reason() != null && !s.reason().isEmpty()) {
      text += " (" + s.reason() + ")";
    }
    return text;
  }

  /** Null once an entry of the log matches; otherwise "" or why the log could not be read. */
  private static String logUnmatched(RunningContainer c, Pattern log) {
    try {
      return c.logEntries().stream().anyMatch(e -> log.matcher(e.text()).find()) ? null : "";
    } catch (PodgateException e) {
      return " (last read failed: " + e.getMessage() + ")";
    }
  }

  private static String logTail(RunningContainer c) {
    List<LogEntry> entries;
    try {
      entries = c.logEntries();
    } catch (PodgateException e) {
      return "; " + e.getMessage();
    }
    return entries.isEmpty() ? "; its log " + c.logFile() + " is empty"
        : "; log tail (" + c.logFile() + "):\n" + CriLogs.tail(entries, LOG_TAIL_ENTRIES);
  }

  static boolean tcpAccepts(String ip, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(ip, port), (int) CONNECT_TIMEOUT.toMillis());
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static int httpStatus(String ip, int port, String path) {
    try {
      HttpURLConnection conn =
          (HttpURLConnection) URI.create("http://" + ip + ":" + port + (path.startsWith("/") ? path : "/" + path)).toURL().openConnection();
      conn.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
      conn.setReadTimeout((int) PROBE_TIMEOUT.toMillis());
      conn.setInstanceFollowRedirects(false);
      try {
        return conn.getResponseCode();
      } finally {
        conn.disconnect();
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static final class ContainerDied extends RuntimeException {
    final transient ContainerState state;

    ContainerDied(ContainerState state) {
      super(null, null, false, false);
      this.state = state;
    }
  }
}
