package io.podgate.kubernetes.internal.backend;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.podgate.measure.ChurnResult;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** What one observed state of a churn pod says: which conditions are True, and whether the pod is done or failed. */
final class PodProgress {
  private PodProgress() {}

  /** Where a churn pod stands. */
  enum Stage {
    /** Not done yet. */
    PENDING,
    /** Condition Ready is True. */
    READY,
    /** Phase Succeeded: its container ran and exited 0 (a command that ends by itself). */
    SUCCEEDED,
    /** Phase Failed, or a container that cannot be created, pulled or run. */
    FAILED
  }

  /** The stage of {@code pod}, with a description of why it failed (empty otherwise). */
  record Outcome(Stage stage, String problem) {}

  /** The kube-burner conditions ({@link ChurnResult#podConditions()}) whose status is "True" in {@code pod}. */
  static Set<String> trueConditions(Pod pod) {
    Set<String> out = new LinkedHashSet<>();
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return out;
    }
    for (PodCondition c : pod.getStatus().getConditions()) {
      if ("True".equals(c.getStatus()) && ChurnResult.podConditions().contains(c.getType())) {
        out.add(c.getType());
      }
    }
    return out;
  }

  static Outcome outcome(Pod pod) {
    if (trueConditions(pod).contains(ChurnResult.READY)) {
      return new Outcome(Stage.READY, "");
    }
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if ("Succeeded".equals(phase)) {
      return new Outcome(Stage.SUCCEEDED, "");
    }
    List<String> problems = new ArrayList<>();
    List<ContainerStatus> statuses = pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
        ? List.of() : pod.getStatus().getContainerStatuses();
    for (ContainerStatus s : statuses) {
      var st = s.getState();
      if (st != null && st.getWaiting() != null && KubeReadiness.FATAL_WAITING.contains(st.getWaiting().getReason())) {
        problems.add("container " + s.getName() + " waits: " + st.getWaiting().getReason()
            + (st.getWaiting().getMessage() == null ? "" : " (" + st.getWaiting().getMessage() + ")"));
      } else if ("Failed".equals(phase) && st != null && st.getTerminated() != null) {
        problems.add("container " + s.getName() + " exited with code " + st.getTerminated().getExitCode()
            + (st.getTerminated().getReason() == null ? "" : " (" + st.getTerminated().getReason() + ")"));
      }
    }
    if ("Failed".equals(phase)) {
      String why = pod.getStatus().getReason() == null ? "" : " " + pod.getStatus().getReason()
          + (pod.getStatus().getMessage() == null ? "" : ": " + pod.getStatus().getMessage());
      return new Outcome(Stage.FAILED, "pod phase Failed" + why + (problems.isEmpty() ? "" : "; " + String.join("; ", problems)));
    }
    if (!problems.isEmpty()) {
      return new Outcome(Stage.FAILED, String.join("; ", problems));
    }
    return new Outcome(Stage.PENDING, "");
  }

  /** Phase and conditions, for messages: "phase Pending, PodScheduled=True, Ready=False (ContainersNotReady)". */
  static String describe(Pod pod) {
    if (pod == null) {
      return "the pod is not in the API";
    }
    if (pod.getStatus() == null) {
      return "no status yet";
    }
    StringBuilder s = new StringBuilder("phase ").append(pod.getStatus().getPhase());
    if (pod.getStatus().getConditions() != null) {
      for (PodCondition c : pod.getStatus().getConditions()) {
        s.append(", ").append(c.getType()).append('=').append(c.getStatus());
        if (c.getReason() != null) {
          s.append(" (").append(c.getReason()).append(')');
        }
      }
    }
    return s.toString();
  }
}
