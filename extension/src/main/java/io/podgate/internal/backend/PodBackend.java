package io.podgate.internal.backend;

import io.podgate.internal.pod.PodSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where pods come from: the one interface between the JUnit layer (and measurements) and a runtime.
 * Today's implementation drives CRI (an embedded containerd or a configured endpoint); nothing here
 * assumes a local socket, a CRI client or CRI message types, so another backend (e.g. Kubernetes)
 * can implement it.
 */
public interface PodBackend {

  /** What the runtime is, for messages, e.g. "embedded containerd ... on bridge podgate0". */
  String describe();

  /** False once the runtime is gone (e.g. an embedded daemon was killed); a new backend is then needed. */
  boolean healthy();

  /** What the backend did on the user's behalf when it started (e.g. imported an image), one sentence each. */
  List<String> notices();

  /**
   * Pod removals this backend handed to a process outliving the JVM ({@link PodHandle#handOff()}) that
   * failed so far, one sentence each, each returned once. None by default.
   */
  default List<String> handOffFailures() {
    return List.of();
  }

  /** Labels every pod of this backend carries, so crash cleanup can find what a dead JVM left. */
  Map<String, String> ownerLabels();

  /** Reads referenced configs and checks every value of {@code spec}; creates nothing. Throws PodSpecException. */
  PodPlan plan(PodSpec spec);

  /**
   * Creates the planned pod with its containers and waits until they are ready; {@code labels} are
   * added to the pod's own. A failure removes what was made and throws a PodgateException naming the step.
   */
  PodHandle create(PodPlan plan, Map<String, String> labels);

  /**
   * Whether a scheduler places pods created without a node, so pods declared {@code apart} may land on
   * different nodes (a cluster); false when they all share one default runtime (CRI).
   */
  boolean schedulesPods();

  /**
   * Starts the planned pod's sandbox ahead of the test that will use it (while an earlier test runs);
   * {@code labels} are added to the sandbox's own (the class, not yet the test). Empty when this backend,
   * or this plan (e.g. a fixed host port an earlier pod may still hold), cannot be started ahead. A
   * failure removes what was made and throws a PodgateException naming the step.
   */
  default Optional<PodStart> startAhead(PodPlan plan, Map<String, String> labels) {
    return Optional.empty();
  }

  /** Starts the nodes of {@code spec}; closing the group removes them (and their pods). */
  NodeGroup startNodes(NodesSpec spec);

  /**
   * An optional capability of this backend, e.g. raw CRI access for churn measurements, or empty
   * when the backend has none.
   */
  <T> Optional<T> capability(Class<T> type);
}
