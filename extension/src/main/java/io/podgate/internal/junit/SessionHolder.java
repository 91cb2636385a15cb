package io.podgate.internal.junit;

import io.podgate.Podgate;
import io.podgate.PodgateException;
import io.podgate.internal.pod.PodgateSession;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The run's hold on the per-JVM session, or why there is none; closed when the run ends. */
@SuppressWarnings("deprecation")
final class SessionHolder implements ExtensionContext.Store.CloseableResource, AutoCloseable {
  private PodgateSession.Lease lease;
  private final RuntimeException failure;

  private SessionHolder(PodgateSession.Lease lease, RuntimeException failure) {
    this.lease = lease;
    this.failure = failure;
  }

  static SessionHolder open() {
    try {
      return new SessionHolder(PodgateSession.acquire(), null);
    } catch (RuntimeException e) {
      return new SessionHolder(null, e);
    }
  }

  boolean failed() {
    return failure != null;
  }

  String failureMessage() {
    return failure == null ? "" : failure.getMessage();
  }

  /** The session; if its embedded containerd died since, a new one is started for the tests still to come. */
  synchronized PodgateSession session() {
    if (failure != null) {
      throw new PodgateException("podgate has no container runtime: " + failure.getMessage()
          + "\n(Use @Podgate(disabledWithoutRuntime = true) to skip such tests instead.)", failure);
    }
    if (!lease.session().healthy()) {
      PodgateSession.Lease old = lease;
      lease = PodgateSession.acquire();
      old.close();
    }
    return lease.session();
  }

  @Override
  public synchronized void close() {
    if (lease != null) {
      lease.close();
    }
  }
}
