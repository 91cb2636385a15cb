package io.podgate.internal.cri;

import io.podgate.internal.cri.v1.LinuxContainerConfig;
import io.podgate.internal.cri.v1.LinuxContainerSecurityContext;
import io.podgate.internal.cri.v1.NamespaceMode;
import io.podgate.internal.cri.v1.NamespaceOption;

/**
 * What the kubelet sets that CRI's zero values do not. CRI's default PID mode is POD (one namespace for
 * the whole pod); the kubelet gives each container its own unless the pod asks to share. A shared PID
 * namespace also makes containerd's shim kill every process of the pod's cgroup on each container exit.
 */
public final class KubeletDefaults {
  private KubeletDefaults() {}

  /** Linux options of a container with its own PID namespace, the kubelet's default. */
  public static LinuxContainerConfig ownPidNamespace() {
    return LinuxContainerConfig.newBuilder()
        .setSecurityContext(LinuxContainerSecurityContext.newBuilder()
            .setNamespaceOptions(NamespaceOption.newBuilder().setPid(NamespaceMode.CONTAINER)))
        .build();
  }
}
