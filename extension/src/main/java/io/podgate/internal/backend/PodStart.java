package io.podgate.internal.backend;

import java.util.Map;

/**
 * A pod whose sandbox a backend started ahead of the test that will use it (see
 * {@link PodBackend#startAhead}): it holds an address and its host ports but runs no container yet.
 * Exactly one of {@link #finish} and {@link #close} is called.
 */
public interface PodStart extends AutoCloseable {

  /** The sandbox's id in the runtime. */
  String id();

  /** Whether the sandbox still runs, i.e. nothing stopped or removed it since it was started. */
  boolean usable();

  /**
   * Creates and starts the pod's containers, labelled with {@code labels} (the test that uses the pod),
   * and waits until they are ready. {@code waitedNanos}: how long the test had waited for the sandbox
   * (counted in its create time). A failure removes the pod and throws a PodgateException naming the step.
   */
  PodHandle finish(Map<String, String> labels, long waitedNanos);

  /** Removes the unused sandbox; throws a PodgateException naming it if that fails. */
  @Override
  void close();
}
