package io.podgate.internal.host;

/**
 * The label and annotation keys podgate writes on the sandboxes and containers it creates. Cleanup
 * (the watchdog, stale-session sweeps) finds podgate's pods on a runtime by them.
 */
public final class PodgateLabels {
  /** Label: the id of the podgate session that created the pod. */
  public static final String SESSION = "io.podgate.session";
  /** Label: the PID of the JVM that owns the session (a pod whose owner is gone is stale). */
  public static final String OWNER_PID = "io.podgate.owner-pid";
  /** Label: the simple name of the test class that declared the pod (as a label value). */
  public static final String TEST_CLASS = "io.podgate.test-class";
  /** Label: the test method (and display name) that declared the pod (as a label value). */
  public static final String TEST = "io.podgate.test";
  /**
   * Label: the pod's {@code @PodSandbox(apart = ...)} group; on a cluster, pods with the same value get required
   * pod anti-affinity on {@code kubernetes.io/hostname} selecting this label.
   */
  public static final String APART = "io.podgate.apart";
  /** Annotation: the metadata uid a crictl-style JSON config gave, kept because CRI assigns its own. */
  public static final String CONFIG_UID = "io.podgate.config-uid";

  private PodgateLabels() {}
}
