package io.podgate.internal.backend;

/** Opens a backend; found through {@link java.util.ServiceLoader} (see {@link PodBackends}). */
public interface PodBackendProvider {

  /** Starts (or joins) this JVM's backend; throws a PodgateException saying what was tried. */
  BackendLease acquire();
}
