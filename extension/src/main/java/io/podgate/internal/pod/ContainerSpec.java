package io.podgate.internal.pod;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What a container should be. Empty strings and lists mean "not set". */
public record ContainerSpec(
    String origin,
    String name,
    String fallbackName,
    String image,
    List<String> command,
    List<String> args,
    Map<String, String> env,
    String workingDir,
    List<MountSpec> mounts,
    boolean privileged,
    long memoryLimit,
    ConfigRef config,
    WaitSpec readiness) {

  public ContainerSpec {
    command = List.copyOf(command);
    args = List.copyOf(args);
    env = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(env));
    mounts = List.copyOf(mounts);
  }

  public ContainerSpec withName(String finalName) {
    return new ContainerSpec(origin, finalName, fallbackName, image, command, args, env, workingDir, mounts,
        privileged, memoryLimit, config, readiness);
  }

  public record MountSpec(String hostPath, String containerPath, boolean readOnly) {}

  /** Readiness conditions; all set ones must hold. */
  public record WaitSpec(
      int tcpPort, String httpPath, int httpPort, int httpStatus, String logRegex, List<String> exec, Duration timeout) {
    public WaitSpec {
      exec = List.copyOf(exec);
    }

    public static WaitSpec running() {
      return new WaitSpec(0, "", 0, 200, "", List.of(), Duration.ofSeconds(60));
    }

    public boolean onlyRunning() {
      return tcpPort == 0 && httpPath.isEmpty() && logRegex.isEmpty() && exec.isEmpty();
    }

    public int effectiveHttpPort() {
      return httpPort != 0 ? httpPort : tcpPort != 0 ? tcpPort : 80;
    }
  }
}
