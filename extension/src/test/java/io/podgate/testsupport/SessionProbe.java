package io.podgate.testsupport;

import io.podgate.Podgate;
import io.podgate.internal.pod.PodgateSession;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Put after {@code @Podgate} on a fixture: notes which session (daemon, socket, directory) each
 * fixture class ran on, so the test can check afterwards that all of it is gone.
 */
public final class SessionProbe implements BeforeAllCallback, AfterAllCallback {
  /** What one fixture class saw. */
  public record Seen(String sessionId, Path dir, long daemonPid, Path socket, String bridge) {}

  public static final List<Seen> SEEN = new CopyOnWriteArrayList<>();
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SessionProbe.class);

  @Override
  public void beforeAll(ExtensionContext ctx) {
    PodgateSession.Lease lease = PodgateSession.acquire();
    ctx.getStore(NS).put("lease", lease);
    PodgateSession s = lease.session();
    SEEN.add(new Seen(s.id(), s.dir(), s.embedded().map(e -> e.pid()).orElse(0L),
        s.embedded().map(e -> e.socket()).orElse(null), s.embedded().map(e -> e.options().bridgeName()).orElse("")));
  }

  @Override
  public void afterAll(ExtensionContext ctx) {
    PodgateSession.Lease lease = ctx.getStore(NS).remove("lease", PodgateSession.Lease.class);
    if (lease != null) {
      lease.close();
    }
  }
}
