package io.podgate.kubernetes.internal.backend;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.podgate.ContainerState;
import io.podgate.ExecResult;
import io.podgate.LogEntry;
import io.podgate.PodgateException;
import io.podgate.internal.backend.ContainerHandle;
import io.podgate.internal.backend.ExecFailure;
import io.podgate.internal.pod.CriLogs;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A container of a Kubernetes pod. Exec runs through the API (websocket); logs come from the API
 * ({@code pods/log} with timestamps), or, on a local cluster, from the kubelet's CRI log file, which also
 * tells stdout from stderr. Through the API the stream is not known: every entry then says
 * {@link LogEntry.Stream#STDOUT}.
 */
final class KubeContainer implements ContainerHandle {
  private final KubernetesClient client;
  private final String namespace;
  private final String podObject;
  private final String name;
  private final String image;
  private final String origin;
  private final boolean localLogs;
  private volatile String id = "";
  private volatile KubePod pod;

  KubeContainer(KubernetesClient client, String namespace, String podObject, String name, String image, String origin,
      boolean localLogs) {
    this.client = client;
    this.namespace = namespace;
    this.podObject = podObject;
    this.name = name;
    this.image = image;
    this.origin = origin;
    this.localLogs = localLogs;
  }

  void attach(KubePod pod, String containerId) {
    this.pod = pod;
    this.id = containerId;
  }

  /** The runtime's container id (without the {@code containerd://} prefix). */
  @Override
  public String id() {
    return id;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String image() {
    return image;
  }

  @Override
  public KubePod pod() {
    return pod;
  }

  @Override
  public String origin() {
    return origin;
  }

  @Override
  public ExecResult exec(String... command) {
    return exec(Duration.ofSeconds(60), command);
  }

  @Override
  public ExecResult exec(Duration timeout, String... command) {
    if (command.length == 0) {
      throw new IllegalArgumentException("exec in container '" + name + "' needs a command");
    }
    return run(List.of(command), timeout);
  }

  /** Exec through the API; Kubernetes has no server-side timeout, so on timeout the stream is closed. */
  @Override
  public ExecResult run(List<String> command, Duration timeout) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ByteArrayOutputStream status = new ByteArrayOutputStream();
    ExecWatch watch;
    try {
      watch = client.pods().inNamespace(namespace).withName(podObject).inContainer(name)
          .writingOutput(out).writingError(err).writingErrorChannel(status).exec(command.toArray(String[]::new));
    } catch (RuntimeException e) {
      String state = stateIfNotRunning();
      throw new ExecFailure(state != null ? ExecFailure.Reason.NO_SUCH_CONTAINER : reasonOf(e.getMessage()), "exec "
          + command + " in container '" + name + "' of pod " + namespace + "/" + podObject + " failed: "
          + (state != null ? "the container is not running (" + state + ")" : KubeClients.rootMessage(e)), e);
    }
    try (watch) {
      Integer code = watch.exitCode().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      String said = status.toString(StandardCharsets.UTF_8);
      if (code == null || code < 0) {
        throw new ExecFailure(reasonOf(said), "exec " + command + " in container '" + name + "' of pod " + namespace
            + "/" + podObject + " did not run: " + said, null);
      }
      return new ExecResult(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } catch (TimeoutException e) {
      throw new ExecFailure(ExecFailure.Reason.TIMED_OUT, "exec " + command + " in container '" + name
          + "' did not end within " + timeout + " (the exec stream was closed; the process may still run)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ExecFailure(ExecFailure.Reason.OTHER, "interrupted while exec " + command + " ran in '" + name + "'", e);
    } catch (ExecutionException e) {
      throw new ExecFailure(reasonOf(String.valueOf(e.getCause())), "exec " + command + " in container '" + name
          + "' failed: " + e.getCause(), e.getCause());
    }
  }

  /** The container's state when it is not running (e.g. "EXITED with exit code 0"), else null. */
  private String stateIfNotRunning() {
    try {
      ContainerState s = status();
      return s.state() == ContainerState.State.RUNNING ? null : KubeReadiness.describe(s);
    } catch (RuntimeException e) {
      return null;
    }
  }

  static ExecFailure.Reason reasonOf(String message) {
    String m = String.valueOf(message).toLowerCase(Locale.ROOT);
    if (m.contains("executable file not found") || m.contains("no such file or directory")) {
      return ExecFailure.Reason.NO_SUCH_EXECUTABLE;
    }
    if (m.contains("not found") || m.contains("container not running") || m.contains("does not exist")) {
      return ExecFailure.Reason.NO_SUCH_CONTAINER;
    }
    return ExecFailure.Reason.OTHER;
  }

  @Override
  public String logs() {
    return CriLogs.text(logEntries());
  }

  @Override
  public List<LogEntry> logEntries() {
    KubePod p = pod;
    if (localLogs && p != null) {
      Path file = p.logDirectory().resolve(name).resolve("0.log");
      if (Files.isReadable(file)) {
        return CriLogs.read(file);
      }
    }
    String text;
    try {
      text = client.pods().inNamespace(namespace).withName(podObject).inContainer(name).usingTimestamps().getLog();
    } catch (RuntimeException e) {
      throw new PodgateException("logs of container '" + name + "' (" + origin + "): " + e.getMessage()
          + "; check that the pod " + namespace + "/" + podObject + " still exists and that pods/log is allowed", e);
    }
    return parse(text);
  }

  /** {@code <RFC 3339 time> <text>} lines as the API returns them with timestamps; the stream is not known. */
  static List<LogEntry> parse(String text) {
    List<LogEntry> out = new ArrayList<>();
    if (text == null || text.isEmpty()) {
      return out;
    }
    for (String line : text.split("\n", -1)) {
      if (line.isEmpty()) {
        continue;
      }
      int space = line.indexOf(' ');
      Instant time;
      try {
        time = Instant.parse(space < 0 ? line : line.substring(0, space));
      } catch (DateTimeParseException e) {
        continue;
      }
      out.add(new LogEntry(LogEntry.Stream.STDOUT, time, space < 0 ? "" : line.substring(space + 1)));
    }
    return out;
  }

  @Override
  public ContainerState status() {
    Pod p;
    try {
      p = client.pods().inNamespace(namespace).withName(podObject).get();
    } catch (RuntimeException e) {
      throw KubeClients.failure("reading the status of pod " + namespace + "/" + podObject, e);
    }
    return state(p, name);
  }

  /** The state of container {@code name} in {@code p}: running, exited (code and reason, e.g. OOMKilled) or created. */
  static ContainerState state(Pod p, String name) {
    if (p == null) {
      return new ContainerState(ContainerState.State.UNKNOWN, -1, "the pod is gone");
    }
    ContainerStatus s = status(p, name);
    if (s == null || s.getState() == null) {
      return new ContainerState(ContainerState.State.UNKNOWN, -1, p.getStatus() == null ? "" : p.getStatus().getPhase());
    }
    if (s.getState().getRunning() != null) {
      return new ContainerState(ContainerState.State.RUNNING, 0, "");
    }
    var t = s.getState().getTerminated();
    if (t != null) {
      String reason = t.getReason() == null ? "" : t.getReason();
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        reason = reason.isEmpty() ? t.getMessage().strip() : reason + ": " + t.getMessage().strip();
      }
      return new ContainerState(ContainerState.State.EXITED, t.getExitCode() == null ? -1 : t.getExitCode(), reason);
    }
    var w = s.getState().getWaiting();
    String reason = w == null || w.getReason() == null ? "" : w.getReason()
        + (w.getMessage() == null ? "" : ": " + w.getMessage());
    return new ContainerState(ContainerState.State.CREATED, 0, reason);
  }

  static ContainerStatus status(Pod p, String name) {
    if (p.getStatus() == null || p.getStatus().getContainerStatuses() == null) {
      return null;
    }
    return p.getStatus().getContainerStatuses().stream().filter(s -> name.equals(s.getName())).findFirst().orElse(null);
  }

  @Override
  public String toString() {
    return "Container[" + name + ", " + image + ", " + id + "]";
  }
}
