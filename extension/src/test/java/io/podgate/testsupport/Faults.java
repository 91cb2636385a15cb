package io.podgate.testsupport;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.podgate.internal.pod.PodgateSession;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/** Runs fixture classes through EngineTestKit (each run gets its own session) and collects what users see. */
public final class Faults {
  public static final String FLAG = "podgate.fixture";

  private Faults() {}

  public static EngineExecutionResults run(Class<?>... fixtures) {
    return run(Map.of(), fixtures);
  }

  public static EngineExecutionResults run(Map<String, String> config, Class<?>... fixtures) {
    if (PodgateSession.active()) {
      throw new IllegalStateException("a podgate session is active in this JVM; reliability fixtures need their own");
    }
    SessionProbe.SEEN.clear();
    List<ClassSelector> selectors = Arrays.stream(fixtures).map(c -> selectClass(c)).toList();
    return EngineTestKit.engine("junit-jupiter")
        .configurationParameter(FLAG, "true")
        .configurationParameters(config)
        .selectors(selectors.toArray(ClassSelector[]::new))
        .execute();
  }

  /** Messages of every failure (tests and containers), with causes and suppressed ones: what a user reads. */
  public static String failures(EngineExecutionResults results) {
    StringBuilder out = new StringBuilder();
    results.allEvents().failed().stream().map(Event::getPayload).forEach(p -> p.ifPresent(payload -> {
      if (payload instanceof org.junit.platform.engine.TestExecutionResult r) {
        r.getThrowable().ifPresent(t -> append(out, t, ""));
      }
    }));
    return out.toString();
  }

  /** Failure text of the events of one fixture class (its tests and the class itself). */
  public static String failuresOf(EngineExecutionResults results, Class<?> fixture) {
    StringBuilder out = new StringBuilder();
    results.allEvents().failed().stream()
        .filter(e -> e.getTestDescriptor().getUniqueId().toString().contains(fixture.getName()))
        .map(Event::getPayload).forEach(p -> p.ifPresent(payload -> {
          if (payload instanceof org.junit.platform.engine.TestExecutionResult r) {
            r.getThrowable().ifPresent(t -> append(out, t, ""));
          }
        }));
    return out.toString();
  }

  private static void append(StringBuilder out, Throwable t, String indent) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      out.append(indent).append(c.getClass().getSimpleName()).append(": ").append(c.getMessage()).append('\n');
      for (Throwable s : c.getSuppressed()) {
        append(out, s, indent + "  suppressed ");
      }
    }
  }

  public static String stackTrace(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }
}
