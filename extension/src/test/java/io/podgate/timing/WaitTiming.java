package io.podgate.timing;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * A timing harness, run in a fresh JVM per measurement by ci/wait-timing: runs one class through
 * the JUnit launcher and prints one line {@code TIMING run=<ms> class=<ms> methods=<ms,...> failures=<n>}.
 * It asserts nothing about time.
 */
public final class WaitTiming {
  public static void main(String[] args) throws Exception {
    long jvmStart = ProcessHandle.current().info().startInstant().map(i -> i.toEpochMilli()).orElse(0L);
    Class<?> type = Class.forName("io.podgate.timing." + args[0]);
    List<Long> methods = new ArrayList<>();
    long[] cls = new long[3];
    List<String> failures = new ArrayList<>();
    TestExecutionListener listener = new TestExecutionListener() {
      final java.util.Map<String, Long> started = new java.util.concurrent.ConcurrentHashMap<>();

      @Override
      public void executionStarted(TestIdentifier id) {
        started.put(id.getUniqueId(), System.nanoTime());
        if (id.getSource().map(s -> s instanceof org.junit.platform.engine.support.descriptor.ClassSource).orElse(false)) {
          cls[1] = System.nanoTime();
        }
      }

      @Override
      public void reportingEntryPublished(TestIdentifier id, org.junit.platform.engine.reporting.ReportEntry entry) {
        if (System.getProperty("timing.entries") != null) {
          System.out.println("ENTRY " + entry.getKeyValuePairs());
        }
      }

      @Override
      public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        long took = System.nanoTime() - started.getOrDefault(id.getUniqueId(), System.nanoTime());
        if (id.isTest()) {
          synchronized (methods) {
            methods.add(took / 1_000_000);
          }
        } else if (id.getSource().map(s -> s instanceof org.junit.platform.engine.support.descriptor.ClassSource)
            .orElse(false)) {
          cls[0] = took / 1_000_000;
          cls[2] = System.nanoTime();
        }
        if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
          failures.add(id.getDisplayName() + ": " + result.getThrowable().map(Throwable::toString).orElse("?"));
        }
      }
    };
    Launcher launcher = LauncherFactory.create();
    long t0 = System.nanoTime();
    launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(type)).build(), listener);
    long t1 = System.nanoTime();
    long run = (t1 - t0) / 1_000_000;
    System.out.printf(Locale.ROOT, "TIMING run=%d toClass=%d class=%d afterClass=%d jvmToRunEnd=%d methods=%s failures=%d%n",
        run, (cls[1] - t0) / 1_000_000, cls[0], (t1 - cls[2]) / 1_000_000,
        System.currentTimeMillis() - jvmStart, methods.toString().replace(" ", ""), failures.size());
    failures.forEach(f -> System.out.println("FAILURE " + f));
    System.out.flush();
    System.exit(failures.isEmpty() ? 0 : 1);
  }

  static String fetch(String url) throws Exception {
    try (InputStream in = URI.create(url).toURL().openStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
