package io.podgate.testsupport;

import io.podgate.internal.pod.PodgateSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Holds the JVM's podgate session for a test class, so fixture runs share one containerd. */
public abstract class SessionTestBase {
  public static PodgateSession.Lease lease;

  @BeforeAll
  public static void holdSession() {
    lease = PodgateSession.acquire();
  }

  @AfterAll
  public static void releaseSession() {
    lease.close();
  }

  public static PodgateSession session() {
    return lease.session();
  }
}
