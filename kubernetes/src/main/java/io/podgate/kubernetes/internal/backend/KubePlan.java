package io.podgate.kubernetes.internal.backend;

import io.fabric8.kubernetes.api.model.Pod;
import io.podgate.internal.backend.PodPlan;
import io.podgate.internal.pod.ContainerSpec.WaitSpec;
import io.podgate.internal.pod.PodSpec;
import java.util.List;

/**
 * A pod spec translated to a Kubernetes Pod, checked and ready to create. The Pod has no namespace,
 * object name or images yet: the backend settles those when it creates it.
 *
 * @param name the pod's declared name (what {@link io.podgate.Pod#name()} reports)
 * @param declaredNamespace the declared pod namespace (CRI metadata; the object lives in the session's namespace)
 * @param ports container ports to forward to the test JVM, in declaration order
 * @param hostNamespaces host namespaces the pod shares (network, pid, ipc)
 */
record KubePlan(String origin, String name, String declaredNamespace, Pod pod, List<ContainerPlan> containers,
    List<PodSpec.PortSpec> ports, List<String> hostNamespaces) implements PodPlan {

  KubePlan {
    containers = List.copyOf(containers);
    ports = List.copyOf(ports);
    hostNamespaces = List.copyOf(hostNamespaces);
  }

  @Override
  public String podName() {
    return name;
  }

  boolean privileged() {
    return pod.getSpec().getContainers().stream()
        .anyMatch(c -> c.getSecurityContext() != null && Boolean.TRUE.equals(c.getSecurityContext().getPrivileged()));
  }

  /** One container: its declared image (resolved at create time) and its readiness. */
  record ContainerPlan(String name, String origin, String image, WaitSpec readiness) {}
}
