package io.podgate.testsupport;

import io.podgate.internal.host.PodgateLabels;
import io.podgate.PodgateException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.podgate.internal.cri.v1.PodSandbox;
import io.podgate.internal.cri.v1.PodSandboxFilter;
import io.podgate.internal.pod.PodgateSession;
import java.util.List;
import java.util.Map;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/** Runs fixture classes through EngineTestKit and inspects what they left in the runtime. */
public final class Fixtures {
  public static final String FLAG = "podgate.fixture";

  private Fixtures() {}

  public static EngineExecutionResults run(Class<?> fixture) {
    return run(fixture, Map.of());
  }

  public static EngineExecutionResults run(Class<?> fixture, Map<String, String> config) {
    return EngineTestKit.engine("junit-jupiter")
        .configurationParameter(FLAG, "true")
        .configurationParameters(config)
        .selectors(selectClass(fixture))
        .execute();
  }

  /** Pods of this JVM's session that are still there. */
  public static List<PodSandbox> podsOf(PodgateSession session) {
    return session.cri().listPodSandbox(PodSandboxFilter.newBuilder()
        .putLabelSelector(PodgateLabels.SESSION, session.id()).build());
  }

  public static void assertNoPodsLeft(PodgateSession session) {
    assertThat(podsOf(session)).as("pods of session %s left behind", session.id()).isEmpty();
  }

  public static boolean tcpOpen(String ip, int port) {
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(new java.net.InetSocketAddress(ip, port), 2000);
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** Messages of every failure (tests and containers), with causes and suppressed ones. */
  public static String failures(EngineExecutionResults results) {
    StringBuilder out = new StringBuilder();
    results.allEvents().failed().stream().map(Event::getPayload).forEach(p -> p.ifPresent(payload -> {
      if (payload instanceof org.junit.platform.engine.TestExecutionResult r) {
        r.getThrowable().ifPresent(t -> append(out, t));
      }
    }));
    return out.toString();
  }

  private static void append(StringBuilder out, Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      out.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage()).append('\n');
      if (c.getCause() == null && !(c instanceof io.podgate.PodgateException)) {
        java.io.StringWriter w = new java.io.StringWriter();
        c.printStackTrace(new java.io.PrintWriter(w));
        out.append(w);
      }
      for (Throwable s : c.getSuppressed()) {
        out.append("  suppressed ").append(s.getMessage()).append('\n');
      }
      if (c.getCause() == c) {
        break;
      }
    }
  }
}
