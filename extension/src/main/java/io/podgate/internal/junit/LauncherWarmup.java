package io.podgate.internal.junit;

import io.podgate.internal.backend.BackendLease;
import io.podgate.internal.backend.PodBackends;
import io.podgate.internal.pod.Warmup;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Registered with the JUnit Platform launcher (META-INF/services): when a launcher session opens,
 * before tests are discovered, starts {@link Warmup} (then {@link PlanWarmup}) in the background; and when this JVM will attach
 * to a reused runtime that runs already (which creates nothing), attaches to it in the background too,
 * holding that session until the launcher session closes, so the first podgate test finds it ready.
 * {@code podgate.warmup=false} turns both off. A runtime is never started here.
 */
public final class LauncherWarmup implements LauncherSessionListener {
  static final String PROPERTY = "podgate.warmup";

  private Thread attaching;
  private volatile BackendLease early;

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    if ("false".equals(System.getProperty(PROPERTY))) {
      return;
    }
    boolean attach = "embedded".equals(PodBackends.chosenName()) && Warmup.reusedRuntimeRunning();
    Warmup.startInBackground(!attach, PlanWarmup::run);
    if (attach) {
      attaching = new Thread(() -> {
        try {
          early = PodBackends.acquire(); // no JSON library: a run on a reused runtime needs it only for a report
        } catch (RuntimeException e) {
          // the first podgate test gets the same failure, with what was tried
        }
      }, "podgate-attach");
      attaching.setDaemon(true);
      attaching.start();
    }
  }

  @Override
  public void launcherSessionClosed(LauncherSession session) {
    Thread t = attaching;
    if (t == null) {
      return;
    }
    attaching = null;
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    BackendLease lease = early;
    early = null;
    if (lease != null) {
      lease.close();
    }
  }
}
