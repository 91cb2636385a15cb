package io.podgate.internal.junit;

import io.podgate.internal.pod.PodgateSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Holds the JVM's podgate session for a test class, so fixture runs share one containerd. */
abstract class SessionTestBase {
  static PodgateSession.Lease lease;

  @BeforeAll
  static void holdSession() {
    lease = PodgateSession.acquire();
  }

  @AfterAll
  static void releaseSession() {
    lease.close();
  }

  static PodgateSession session() {
    return lease.session();
  }
}
