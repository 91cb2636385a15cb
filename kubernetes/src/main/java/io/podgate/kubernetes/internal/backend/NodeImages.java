package io.podgate.kubernetes.internal.backend;

import io.fabric8.kubernetes.api.model.ContainerImage;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.podgate.PodgateException;
import io.podgate.internal.image.ImageReferences;
import io.podgate.internal.image.StandardImages;
import io.podgate.internal.pod.PodSpecException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Images on a cluster podgate did not start: podgate's built-in images must already be on a node (checked
 * against {@code node.status.images} before the pod is created); registry references are pulled by the
 * kubelet ({@code IfNotPresent}).
 */
final class NodeImages implements ImageSource {
  private static final Map<String, String> BUILT_IN = Map.of("podgate:pause", StandardImages.PAUSE_REFERENCE,
      "podgate:busybox", StandardImages.BUSYBOX_REFERENCE, "podgate:nginx", StandardImages.NGINX_REFERENCE,
      "podgate:debug", StandardImages.DEBUG_REFERENCE, "podgate:client", StandardImages.CLIENT_REFERENCE);

  private final KubernetesClient client;

  NodeImages(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public Resolved resolve(String declared, String origin, Optional<String> node) {
    String image = declared.strip();
    if (ImageReferences.isOciArchive(image)) {
      throw new PodSpecException(origin, "image = \"" + image + "\": an OCI archive on this machine cannot reach the"
          + " cluster's nodes; import it into their containerd (ctr -n k8s.io images import) and name it by its"
          + " reference, or use podgate.backend = local-cluster");
    }
    String reference = BUILT_IN.get(image);
    if (reference == null && image.startsWith("podgate:")) {
      throw new PodSpecException(origin, "image = \"" + image
          + "\" is not a built-in image; use podgate:pause, podgate:busybox, podgate:nginx or podgate:debug");
    }
    if (reference == null) {
      try {
        return new Resolved(ImageReferences.normalize(image), "IfNotPresent");
      } catch (PodgateException e) {
        throw new PodSpecException(origin, "image = \"" + image + "\" is not a valid reference: " + e.getMessage(), e);
      }
    }
    List<Node> nodes;
    try {
      nodes = node.map(n -> {
        Node one = client.nodes().withName(n).get();
        return one == null ? List.<Node>of() : List.of(one);
      }).orElseGet(() -> client.nodes().list().getItems());
    } catch (RuntimeException e) {
      throw KubeClients.failure("listing nodes to find image " + reference, e);
    }
    List<String> lacking = new ArrayList<>();
    for (Node n : nodes) {
      if (has(n, reference)) {
        return new Resolved(reference, "Never");
      }
      lacking.add(n.getMetadata().getName());
    }
    throw new PodgateException(origin + ": image " + reference + " (" + image + ") is not on node" + (lacking.size() == 1 ? " " : "s ")
        + lacking + " (node.status.images); import podgate's archive there (ctr -n k8s.io images import), or use"
        + " podgate.backend = local-cluster, which imports it");
  }

  static boolean has(Node node, String reference) {
    if (node.getStatus() == null || node.getStatus().getImages() == null) {
      return false;
    }
    for (ContainerImage i : node.getStatus().getImages()) {
      if (i.getNames() != null && (i.getNames().contains(reference) || i.getNames().contains("docker.io/" + reference))) {
        return true;
      }
    }
    return false;
  }
}
