package io.podgate.internal.pod;

import io.podgate.Container;
import io.podgate.ContainerState;
import io.podgate.ExecResult;
import io.podgate.LogEntry;
import io.podgate.PodgateException;
import io.podgate.internal.backend.ContainerHandle;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.cri.v1.ContainerStatus;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Handle of a container podgate created. */
public final class RunningContainer implements ContainerHandle {
  private final CriClient cri;
  private final String id;
  private final String name;
  private final String image;
  private final Path logFile;
  private final String origin;
  private volatile RunningPod pod;

  RunningContainer(CriClient cri, String id, String name, String image, Path logFile, String origin) {
    this.cri = cri;
    this.id = id;
    this.name = name;
    this.image = image;
    this.logFile = logFile;
    this.origin = origin;
  }

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
  public ExecResult exec(String... command) {
    return exec(Duration.ofSeconds(60), command);
  }

  @Override
  public ExecResult exec(Duration timeout, String... command) {
    if (command.length == 0) {
      throw new IllegalArgumentException("exec in container '" + name + "' needs a command");
    }
    var r = cri.execSync(id, List.of(command), timeout);
    return new ExecResult(r.exitCode(), r.stdout(), r.stderr());
  }

  @Override
  public String logs() {
    return CriLogs.text(logEntries());
  }

  @Override
  public List<LogEntry> logEntries() {
    try {
      return CriLogs.read(logFile);
    } catch (UncheckedIOException e) {
      throw new PodgateException("logs of container '" + name + "' (" + origin + "): " + e.getMessage()
          + "; check that the file is still there and readable", e);
    }
  }

  @Override
  public ExecResult run(List<String> command, Duration timeout) {
    return CriExec.run(cri, id, command, timeout);
  }

  void pod(RunningPod pod) {
    this.pod = pod;
  }

  /** The pod this container runs in. */
  @Override
  public RunningPod pod() {
    return pod;
  }

  /** The CRI client this container was created through (for measurement runners). */
  public CriClient cri() {
    return cri;
  }

  public Path logFile() {
    return logFile;
  }

  @Override
  public String origin() {
    return origin;
  }

  @Override
  public ContainerState status() {
    ContainerStatus s = cri.containerStatus(id).getStatus();
    ContainerState.State state = switch (s.getState()) {
      case CONTAINER_CREATED -> ContainerState.State.CREATED;
      case CONTAINER_RUNNING -> ContainerState.State.RUNNING;
      case CONTAINER_EXITED -> ContainerState.State.EXITED;
      default -> ContainerState.State.UNKNOWN;
    };
    return new ContainerState(state, s.getExitCode(), s.getReason().isEmpty() ? s.getMessage() : s.getReason());
  }

  @Override
  public String toString() {
    return "Container[" + name + ", " + image + ", " + id + "]";
  }
}
