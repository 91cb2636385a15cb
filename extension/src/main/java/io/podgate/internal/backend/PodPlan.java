package io.podgate.internal.backend;

/** A pod spec a backend has read and checked, ready to create; opaque outside that backend. */
public interface PodPlan {

  /** The pod's name as it will be created (e.g. for sharing a SUITE pod by name). */
  String podName();

  /** Where the pod was declared, for messages. */
  String origin();
}
