package io.podgate.kubernetes.internal.backend;

import io.podgate.internal.backend.BackendLease;
import io.podgate.internal.backend.PodBackends;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Holds the session's Kubernetes backend for a test class ({@code @RegisterExtension static}), so the
 * class and the fixtures it runs share one cluster instead of each starting one.
 */
final class HeldBackend implements BeforeAllCallback, AfterAllCallback {
  private BackendLease lease;

  @Override
  public void beforeAll(ExtensionContext context) {
    lease = PodBackends.acquire();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (lease != null) {
      lease.close();
      lease = null;
    }
  }

  KubernetesPodBackend backend() {
    if (lease == null) {
      throw new IllegalStateException("no backend held: register HeldBackend as a static @RegisterExtension");
    }
    return (KubernetesPodBackend) lease.backend();
  }
}
