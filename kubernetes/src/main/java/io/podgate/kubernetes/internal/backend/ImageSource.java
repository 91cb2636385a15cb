package io.podgate.kubernetes.internal.backend;

import java.util.Optional;

/** Makes a declared image runnable by the cluster's kubelets, or says why it cannot be. */
interface ImageSource {

  /**
   * The reference and pull policy for {@code declared}. {@code node} is the node the pod is pinned to, if any.
   * Throws a PodgateException naming the image and the nodes that lack it.
   */
  Resolved resolve(String declared, String origin, Optional<String> node);

  /** An image reference for a container, with its {@code imagePullPolicy}. */
  record Resolved(String reference, String pullPolicy) {}
}
