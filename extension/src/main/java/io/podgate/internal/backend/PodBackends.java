package io.podgate.internal.backend;

import io.podgate.PodgateException;
import java.util.ServiceLoader;

/** Finds the backend provider: the first registered under META-INF/services. */
public final class PodBackends {
  private PodBackends() {}

  /** A lease on this JVM's backend; throws a PodgateException when there is no provider or it cannot start. */
  public static BackendLease acquire() {
    return ServiceLoader.load(PodBackendProvider.class, PodBackends.class.getClassLoader()).findFirst()
        .orElseThrow(() -> new PodgateException("no podgate pod backend is on the class path (META-INF/services/"
            + PodBackendProvider.class.getName() + "); podgate's own jar registers the CRI backend"))
        .acquire();
  }
}
