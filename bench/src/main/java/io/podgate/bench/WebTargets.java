package io.podgate.bench;

/** The two nginx servers sections 4 and 5 load: one on the host, one in a pod, same body and config. */
interface WebTargets {
  /** The host nginx's URL, on 127.0.0.1. */
  String hostUrl();

  /** The pod nginx's URL. */
  String podUrl();

  /** How the bench reaches the pod's URL, appended to its labels, e.g. " (pod-ip)"; empty on the embedded runtime. */
  default String podPath() {
    return "";
  }
}
