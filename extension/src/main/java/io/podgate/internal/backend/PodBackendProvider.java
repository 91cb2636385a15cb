package io.podgate.internal.backend;

import java.util.Set;

/**
 * Opens backends by name; found through {@link java.util.ServiceLoader} (see {@link PodBackends}).
 * One provider may serve several names (the CRI provider serves {@code embedded} and {@code cri}).
 */
public interface PodBackendProvider {

  /** The values of {@value PodBackends#PROPERTY} this provider serves, e.g. {@code embedded}, {@code cri}. */
  Set<String> names();

  /** Starts (or joins) this JVM's backend called {@code name}; throws a PodgateException saying what was tried. */
  BackendLease acquire(String name);
}
