package io.podgate.bench;

import io.podgate.PodgateException;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.cri.KubeletDefaults;
import io.podgate.internal.cri.v1.ContainerConfig;
import io.podgate.internal.cri.v1.ContainerMetadata;
import io.podgate.internal.cri.v1.ImageSpec;
import io.podgate.internal.cri.v1.PodSandboxConfig;
import io.podgate.internal.cri.v1.PodSandboxMetadata;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** One pod with one running container, labelled for a sweep; closing it stops and removes both. */
record BenchPod(CriClient cri, String name, String podId, String containerId, String ip) implements AutoCloseable {
  static final String NAMESPACE = "podgate-bench";
  private static final Duration STOP_GRACE = Duration.ofSeconds(2);

  /** Runs a pod {@code name} with one container of {@code image}; an empty {@code command} keeps the image's. */
  static BenchPod start(CriClient cri, String labelKey, String labelValue, String name, String image,
      List<String> command) {
    PodSandboxConfig pod = PodSandboxConfig.newBuilder()
        .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace(NAMESPACE)
            .setUid(UUID.randomUUID().toString()))
        .setHostname(name)
        .putLabels(labelKey, labelValue)
        .build();
    String podId = cri.runPodSandbox(pod);
    try {
      String ip = cri.podSandboxStatus(podId).getStatus().getNetwork().getIp();
      if (ip.isEmpty()) {
        throw new PodgateException("pod " + name + " (" + podId + ") got no IP from CNI; check the runtime's CNI"
            + " config and its log");
      }
      ContainerConfig container = ContainerConfig.newBuilder()
          .setMetadata(ContainerMetadata.newBuilder().setName(name))
          .setImage(ImageSpec.newBuilder().setImage(image))
          .addAllCommand(command)
          .putLabels(labelKey, labelValue)
          .setLinux(KubeletDefaults.ownPidNamespace())
          .build();
      String id = cri.createContainer(podId, container, pod);
      cri.startContainer(id);
      return new BenchPod(cri, name, podId, id, ip);
    } catch (RuntimeException e) {
      removePod(cri, podId, e);
      throw e;
    }
  }

  @Override
  public void close() {
    RuntimeException failure = null;
    try {
      cri.stopContainer(containerId, STOP_GRACE);
      cri.removeContainer(containerId);
    } catch (RuntimeException e) {
      failure = e;
    }
    removePod(cri, podId, failure);
    if (failure != null) {
      throw failure;
    }
  }

  private static void removePod(CriClient cri, String podId, RuntimeException pending) {
    try {
      cri.stopPodSandbox(podId);
      cri.removePodSandbox(podId);
    } catch (RuntimeException e) {
      if (pending != null) {
        pending.addSuppressed(e);
      } else {
        throw e;
      }
    }
  }

  @Override
  public String toString() {
    return "pod " + name + " (" + ip + ")";
  }
}
