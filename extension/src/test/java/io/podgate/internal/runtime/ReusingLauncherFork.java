package io.podgate.internal.runtime;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.podgate.CriContainer;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.internal.grpc.RelayChannel;
import io.podgate.internal.pod.PodgateSession;
import io.podgate.testsupport.FixtureOnly;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/**
 * Run in a forked JVM by {@link RuntimeReuseTest}: runs {@link OneStaticPod} through a JUnit launcher
 * session as a build tool does (so podgate's launcher listener runs): prints whether opening the session
 * alone attached to the reused runtime ({@code EARLY attached=... relayed=...}, the latter whether its calls go
 * through the keeper's relay; argument {@code runtime-runs}: one runs), its pod ({@code POD id=... name=...}), each failure ({@code FAILURE ...}), then
 * {@code RAN failures=N}, and exits. Argument {@code removed-behind} runs {@link RemovedBehindOurBack} instead.
 */
public final class ReusingLauncherFork {
  public static void main(String[] args) {
    SummaryGeneratingListener summary = new SummaryGeneratingListener();
    try (LauncherSession session = LauncherFactory.openSession()) {
      boolean attached = attachedBeforeAnyTest(args.length > 0 && args[0].equals("runtime-runs"));
      System.out.println("EARLY attached=" + attached + " relayed=" + (attached && relayed()));
      Class<?> fixture = java.util.Arrays.asList(args).contains("removed-behind") ? RemovedBehindOurBack.class
          : OneStaticPod.class;
      session.getLauncher().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(fixture))
          .configurationParameter("podgate.fixture", "true").build(), summary);
    }
    summary.getSummary().getFailures().forEach(f -> System.out.println("FAILURE " + f.getException().toString()
        .replace('\n', ' ')));
    System.out.println("RAN failures=" + summary.getSummary().getTotalFailureCount());
    System.out.flush();
    System.exit(0);
  }

  /** Whether this JVM's CRI calls go through the runtime keeper's relay. */
  private static boolean relayed() {
    try (PodgateSession.Lease lease = PodgateSession.acquire()) {
      return lease.session().cri().channel() instanceof RelayChannel;
    }
  }

  /**
   * Whether opening the launcher session alone attached this JVM to the reused runtime: waited for up to
   * 30 s when one runs, looked at after 2 s when none should be started.
   */
  private static boolean attachedBeforeAnyTest(boolean runtimeRuns) {
    long deadline = System.nanoTime() + (runtimeRuns ? 30_000 : 2_000) * 1_000_000L;
    while (System.nanoTime() < deadline) {
      if (runtimeRuns && PodgateSession.active()) {
        return true;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return PodgateSession.active();
  }

  /** A class pod this class removes itself, behind podgate's back. */
  @ExtendWith(FixtureOnly.class)
  @Podgate
  static class RemovedBehindOurBack {
    @PodSandbox(name = "gone")
    @CriContainer(name = "box", image = "podgate:busybox", command = {"sleep", "3600"})
    static Pod pod;

    @Test
    void removesItsPod() {
      try (PodgateSession.Lease lease = PodgateSession.acquire()) {
        lease.session().cri().stopPodSandbox(pod.id());
        lease.session().cri().removePodSandbox(pod.id());
      }
    }
  }

  /** One busybox pod for the class. */
  @ExtendWith(FixtureOnly.class)
  @Podgate
  static class OneStaticPod {
    @PodSandbox(name = "handed")
    @CriContainer(name = "box", image = "podgate:busybox", command = {"sleep", "3600"})
    static Pod pod;

    @Test
    void runs() {
      System.out.println("POD id=" + pod.id() + " name=" + pod.name());
      System.out.flush();
    }
  }
}
