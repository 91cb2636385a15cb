package io.podgate.internal.pod;

import io.podgate.internal.runtime.CriEndpoint;

/** What to do about known RunPodSandbox failures, from the runtime's message; empty when none is known. */
public final class RunPodSandboxHints {
  static final String RUNC_PIPE = "can't get final child's PID from pipe";

  private RunPodSandboxHints() {}

  /** A sentence (starting with a space) to append to the failure, or "". */
  public static String hint(String runtimeMessage) {
    if (runtimeMessage != null && runtimeMessage.contains(RUNC_PIPE)) {
      return " (runc could not start the pod's pause container. On a host where the runtime lacks CAP_SYS_RESOURCE"
          + " (many VMs and containers) runc cannot set the container's oom_score_adj below its own: set"
          + " `restrict_oom_score_adj = true` under [plugins.\"io.containerd.grpc.v1.cri\"] in the runtime's config"
          + " (containerd: /etc/containerd/config.toml) and restart it, or unset " + CriEndpoint.PROPERTY
          + " to let podgate start its own containerd, which sets it.)";
    }
    return "";
  }
}
