package io.podgate.internal.junit;

import io.podgate.Podgate;
import io.podgate.PodgateException;
import io.podgate.internal.backend.BackendLease;
import io.podgate.internal.backend.PodBackend;
import io.podgate.internal.backend.PodBackends;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The run's hold on this JVM's pod backend, or why there is none, its background pod removals and sandboxes started ahead; closed when the run ends. */
@SuppressWarnings("deprecation")
final class BackendHolder implements ExtensionContext.Store.CloseableResource, AutoCloseable {
  private BackendLease lease;
  private final RuntimeException failure;
  private final Teardowns teardowns = new Teardowns();
  private final PreparedPods prepared = new PreparedPods();

  private BackendHolder(BackendLease lease, RuntimeException failure) {
    this.lease = lease;
    this.failure = failure;
  }

  static BackendHolder open() {
    try {
      return new BackendHolder(PodBackends.acquire(), null);
    } catch (RuntimeException e) {
      return new BackendHolder(null, e);
    }
  }

  boolean failed() {
    return failure != null;
  }

  String failureMessage() {
    return failure == null ? "" : failure.getMessage();
  }

  /** The backend; if its runtime died since (e.g. a killed embedded containerd), a new one is started for the tests still to come. */
  synchronized PodBackend backend() {
    if (failure != null) {
      throw new PodgateException("podgate has no container runtime: " + failure.getMessage()
          + "\n(Use @Podgate(disabledWithoutRuntime = true) to skip such tests instead.)", failure);
    }
    if (!lease.backend().healthy()) {
      BackendLease old = lease;
      lease = PodBackends.acquire();
      old.close();
    }
    return lease.backend();
  }

  /** The backend as it is now (not replaced when unhealthy), or null when there is none. */
  synchronized PodBackend current() {
    return lease == null ? null : lease.backend();
  }

  /** Pod removals running in the background; waited for before the lease goes. */
  Teardowns teardowns() {
    return teardowns;
  }

  /** Pod sandboxes started ahead of the tests that will use them; removed (if unused) before the lease goes. */
  PreparedPods prepared() {
    return prepared;
  }

  @Override
  public void close() {
    try {
      try {
        teardowns.close();
      } finally {
        prepared.close();
      }
    } finally {
      synchronized (this) {
        if (lease != null) {
          lease.close();
        }
      }
    }
  }
}
