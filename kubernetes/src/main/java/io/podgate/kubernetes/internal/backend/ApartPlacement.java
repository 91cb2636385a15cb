package io.podgate.kubernetes.internal.backend;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.podgate.internal.host.PodgateLabels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code @PodSandbox(apart = ...)} on a cluster: required pod anti-affinity on {@code kubernetes.io/hostname}
 * selecting the pods labelled {@code io.podgate.apart=<group>} in the session's namespace. A pinned pod of a
 * group goes through the scheduler too (required node affinity on the node's {@code metadata.name}, as a
 * DaemonSet's pods, instead of {@code nodeName}, which would skip the anti-affinity check).
 */
final class ApartPlacement {
  static final String TOPOLOGY_KEY = "kubernetes.io/hostname";

  private ApartPlacement() {}

  /** The group of a pod with {@code labels}, or null. */
  static String group(Map<String, String> labels) {
    return labels == null ? null : labels.get(PodgateLabels.APART);
  }

  static Affinity antiAffinity(String group) {
    return new AffinityBuilder().withNewPodAntiAffinity().addNewRequiredDuringSchedulingIgnoredDuringExecution()
        .withTopologyKey(TOPOLOGY_KEY).withNewLabelSelector().addToMatchLabels(PodgateLabels.APART, group)
        .endLabelSelector().endRequiredDuringSchedulingIgnoredDuringExecution().endPodAntiAffinity().build();
  }

  /**
   * Puts {@code pod} on cluster node {@code node}: {@code nodeName} for a pod of no group; for a pod of a group,
   * required node affinity (so the scheduler still checks the group), tolerating local-cluster's pinned-only taint.
   */
  static void pin(Pod pod, String node) {
    if (group(pod.getMetadata().getLabels()) == null) {
      pod.getSpec().setNodeName(node);
      return;
    }
    Affinity a = pod.getSpec().getAffinity();
    pod.getSpec().setAffinity((a == null ? new AffinityBuilder() : new AffinityBuilder(a)).withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution()
        .addNewNodeSelectorTerm().addNewMatchField().withKey("metadata.name").withOperator("In").withValues(node).endMatchField()
        .endNodeSelectorTerm()
        .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().build());
    String[] taint = LocalClusterNodes.TAINT.split("[=:]");
    List<Toleration> tolerations = new ArrayList<>(pod.getSpec().getTolerations() == null ? List.of()
        : pod.getSpec().getTolerations());
    pod.getSpec().setTolerations(tolerations);
    tolerations.add(new TolerationBuilder().withKey(taint[0]).withOperator("Equal")
        .withValue(taint[1]).withEffect(taint[2]).build());
  }

  /** What to tell the user when a pod of a group was not scheduled; "" for a pod of no group. */
  static String hint(Pod pod) {
    String group = pod == null || pod.getMetadata() == null ? null : group(pod.getMetadata().getLabels());
    if (group == null) {
      return "";
    }
    return "; the pod is declared apart = \"" + group + "\": it needs a node without another pod of that group (required"
        + " pod anti-affinity on " + TOPOLOGY_KEY + ", label " + PodgateLabels.APART + "=" + group + "), and the"
        + " scheduler found none (see its event). Give the group no more pods than the cluster has nodes"
        + " they may use, pin them with node = to distinct @PodgateNodes, or drop apart";
  }
}
