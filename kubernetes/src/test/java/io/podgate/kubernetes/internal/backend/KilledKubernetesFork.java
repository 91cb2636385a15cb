package io.podgate.kubernetes.internal.backend;

import io.podgate.internal.backend.BackendLease;
import io.podgate.internal.backend.PodBackends;
import io.podgate.internal.backend.PodHandle;
import io.podgate.internal.pod.ConfigRef;
import io.podgate.internal.pod.ContainerSpec;
import java.util.List;
import java.util.Map;

/**
 * The JVM {@link KubernetesBackendKilledTest} kills: backend {@code kubernetes} (the kubeconfig given by system
 * property) with a running pod. Prints {@code SESSION namespace=<ns>}, then {@code READY}, and waits to be killed.
 */
public final class KilledKubernetesFork {
  public static void main(String[] args) throws Exception {
    BackendLease lease = PodBackends.acquire();
    KubernetesPodBackend backend = (KubernetesPodBackend) lease.backend();
    ContainerSpec sleeper = new ContainerSpec("@CriContainer c", "c", "c", "podgate:busybox", List.of("sleep", "3600"),
        List.of(), Map.of(), "", List.of(), false, 0, ConfigRef.NONE, ContainerSpec.WaitSpec.running());
    PodHandle pod = backend.create(backend.plan(Specs.pod("doomed", sleeper)), Map.of());
    System.out.println("SESSION namespace=" + backend.namespace() + " pod=" + pod.name());
    System.out.println("READY");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
