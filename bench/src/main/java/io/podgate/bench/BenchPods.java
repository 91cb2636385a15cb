package io.podgate.bench;

import io.podgate.internal.cri.CriClient;
import io.podgate.internal.image.StandardImages;
import io.podgate.internal.pod.ConfigRef;
import io.podgate.internal.pod.ContainerSpec;
import io.podgate.internal.pod.HostPorts;
import io.podgate.internal.pod.PodProvisioner;
import io.podgate.internal.pod.PodSpec;
import io.podgate.internal.pod.RunningPod;
import io.podgate.internal.pod.SessionImages;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Pods made the way podgate makes a test's pods, so the public measure API ({@code Throughput.hostTo},
 * {@code Throughput.between}) takes their containers. Labelled {@code labelKey=labelValue} for the
 * run's sweep; closing a pod removes it, closing this stops the provisioner's threads.
 */
final class BenchPods implements AutoCloseable {
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "podgate-bench-pods");
    t.setDaemon(true);
    return t;
  });
  private final PodProvisioner provisioner;

  BenchPods(CriClient cri, String labelKey, String labelValue, Path logs) {
    provisioner = new PodProvisioner(cri, new SessionImages(cri, new StandardImages(StandardImages.defaultCacheDir())),
        new HostPorts(), Map.of(labelKey, labelValue), logs, executor);
  }

  /** A pod {@code name} with one running container {@code name} of {@code image} (e.g. "podgate:debug"), its own command. */
  RunningPod start(String name, String image) {
    ContainerSpec c = new ContainerSpec("bench container " + name, name, name, image, List.of(), List.of(), Map.of(),
        "", List.of(), false, 0, ConfigRef.NONE, ContainerSpec.WaitSpec.running());
    return provisioner.provision(new PodSpec("bench pod " + name, name, name, BenchPod.NAMESPACE, Map.of(), Map.of(),
        "", "", List.of(), List.of(), List.of(), List.of(), ConfigRef.NONE, List.of(c)));
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
