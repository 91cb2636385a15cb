package io.podgate.internal.measure.churn;

import io.podgate.PodgateException;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.cri.v1.ContainerFilter;
import io.podgate.internal.cri.v1.PodSandboxFilter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Removes the containers and pod sandboxes carrying one label, and says what it could not remove. */
public final class LabelSweep {
  private LabelSweep() {}

  /** Stops (killing at once) and removes a container; errors are left to the sweep that follows. */
  public static void removeContainerQuietly(CriClient cri, String id) {
    try {
      cri.stopContainer(id, Duration.ZERO);
    } catch (RuntimeException e) {
      // it may never have started; removal decides
    }
    try {
      cri.removeContainer(id);
    } catch (RuntimeException e) {
      // a later sweep retries and reports what stays
    }
  }

  public static void removePodQuietly(CriClient cri, String id) {
    try {
      cri.stopPodSandbox(id);
    } catch (RuntimeException e) {
      // removal decides
    }
    try {
      cri.removePodSandbox(id);
    } catch (RuntimeException e) {
      // a later sweep retries and reports what stays
    }
  }

  /** Removes everything labelled {@code key=value} (two passes); throws naming what is left. */
  public static void removeAll(CriClient cri, String key, String value, String owner) {
    ContainerFilter containers = ContainerFilter.newBuilder().putLabelSelector(key, value).build();
    PodSandboxFilter pods = PodSandboxFilter.newBuilder().putLabelSelector(key, value).build();
    List<String> left = new ArrayList<>();
    for (int attempt = 0; attempt < 2; attempt++) {
      left.clear();
      try {
        cri.listContainers(containers).forEach(c -> removeContainerQuietly(cri, c.getId()));
        cri.listPodSandbox(pods).forEach(p -> removePodQuietly(cri, p.getId()));
        cri.listContainers(containers).forEach(c -> left.add("container " + c.getId()
            + " (" + c.getMetadata().getName() + ")"));
        cri.listPodSandbox(pods).forEach(p -> left.add("pod " + p.getId() + " (" + p.getMetadata().getName() + ")"));
      } catch (RuntimeException e) {
        left.add("unknown (listing failed: " + e.getMessage() + ")");
      }
      if (left.isEmpty()) {
        return;
      }
    }
    throw new PodgateException(owner + " could not remove what it created at " + cri.endpoint() + ": " + left
        + ". Remove them by the label " + key + "=" + value + ", or restart that containerd.");
  }
}
