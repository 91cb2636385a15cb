package io.podgate.internal.junit;

import io.podgate.PodgateException;
import io.podgate.internal.backend.PodBackend;
import io.podgate.internal.pod.DaemonPools;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Removal of pods off the critical path. Per-method pods: afterEach hands a test's pods here and the
 * next test starts while they are removed; the class that ran the test waits for them in its
 * afterAll, so a removal that fails fails that class, naming the test. Class-level pods: afterAll
 * hands them here and the class ends (the next class starts) while they are removed; the run waits
 * for them at its end, and one that cannot be removed fails the run there, naming the class and the
 * pod (the class has already reported). {@code podgate.teardown=inline} removes both where they end.
 */
@SuppressWarnings("deprecation")
final class Teardowns implements ExtensionContext.Store.CloseableResource, AutoCloseable {
  static final String PROPERTY = "podgate.teardown";

  /** {@code backend}: the one the pods ran on, for class-level pods (null for per-method ones). */
  private record Pending(String test, CompletableFuture<Void> removal, PodBackend backend) {
    Pending(String test, CompletableFuture<Void> removal) {
      this(test, removal, null);
    }
  }

  private final ExecutorService pool;
  private final Map<String, List<Pending>> byClass = new HashMap<>();
  /** Removals of class-level pods, awaited when the run ends; finished ones that worked are dropped. */
  private final List<Pending> classPods = new ArrayList<>();
  /** Backends class pods were removed on: asked at the run's end for hand-offs that failed. */
  private final List<PodBackend> handOffBackends = new ArrayList<>();
  private ExtensionContext root;

  Teardowns() {
    pool = DaemonPools.cached("podgate-teardown");
  }

  /** Whether pods are removed in the background (default) or in afterEach/afterAll. */
  static boolean background(ExtensionContext ctx) {
    String v = ctx.getConfigurationParameter(PROPERTY).orElse(System.getProperty(PROPERTY, "background")).strip();
    return switch (v) {
      case "background" -> true;
      case "inline" -> false;
      default -> throw new PodgateException(PROPERTY + " = \"" + v + "\" must be background or inline");
    };
  }

  /** Starts removing {@code scope}'s pods; the class context of {@code methodCtx} waits for it. */
  void submit(ExtensionContext methodCtx, PodScope scope) {
    String owner = classOf(methodCtx).getUniqueId();
    scope.closing();
    CompletableFuture<Void> removal = CompletableFuture.runAsync(scope::close, pool);
    synchronized (this) {
      byClass.computeIfAbsent(owner, k -> new ArrayList<>()).add(new Pending(methodCtx.getDisplayName(), removal));
    }
  }

  /**
   * Starts removing the class-level pods of {@code classCtx} ({@code scope}); the run waits for it at its
   * end. Their fixed host ports are waited for, not refused, by pods made meanwhile. {@code backend}: the
   * one they run on; a failure once it is unhealthy (its runtime died) is only reported, as its session
   * removes what the runtime left and the test that met the dead runtime has failed already.
   */
  void submitClass(ExtensionContext classCtx, PodScope scope, PodBackend backend) {
    synchronized (this) {
      root = classCtx.getRoot();
      if (!handOffBackends.contains(backend)) {
        handOffBackends.add(backend);
      }
    }
    if (scope.handOff()) {
      return; // the reused runtime's keeper removes them all: the run does not wait
    }
    scope.closing();
    String owner = "test class " + classCtx.getRequiredTestClass().getName();
    CompletableFuture<Void> removal = CompletableFuture.runAsync(scope::close, pool);
    synchronized (this) {
      root = classCtx.getRoot();
      classPods.removeIf(p -> p.removal().isDone() && !p.removal().isCompletedExceptionally());
      classPods.add(new Pending(owner, removal, backend));
    }
  }

  /** Waits for the removals started by the tests of {@code classCtx}; throws the first failure, the others suppressed. */
  void await(ExtensionContext classCtx) {
    List<Pending> pending;
    synchronized (this) {
      pending = byClass.remove(classCtx.getUniqueId());
    }
    awaitAll(pending == null ? List.of() : pending);
  }

  /**
   * Waits for every removal still running. A class-level pod that could not be removed fails the run
   * here: published as a {@code podgate.teardown.failed} report entry of the run and thrown as an
   * {@link AssertionError} naming the class and the pod (JUnit would wrap an exception in its generic
   * "Failed to close extension context").
   */
  @Override
  public void close() {
    List<Pending> all = new ArrayList<>();
    List<Pending> classes;
    List<PodBackend> backends;
    ExtensionContext run;
    synchronized (this) {
      backends = new ArrayList<>(handOffBackends);
      handOffBackends.clear();
      byClass.values().forEach(all::addAll);
      byClass.clear();
      classes = new ArrayList<>(classPods);
      classPods.clear();
      run = root;
    }
    try {
      try {
        awaitAll(all);
      } finally {
        try {
          awaitClasses(classes, run);
        } finally {
          reportHandOffFailures(backends, run);
        }
      }
    } finally {
      pool.shutdown();
    }
  }

  private static void awaitClasses(List<Pending> pending, ExtensionContext run) {
    AssertionError failure = null;
    boolean interrupted = Thread.interrupted();
    for (Pending p : pending) {
      try {
        p.removal().join();
      } catch (CompletionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        String message = "removing the pods of " + p.test() + " after it had finished failed: " + cause.getMessage();
        boolean deadRuntime = p.backend() != null && !p.backend().healthy();
        if (run != null) {
          try {
            run.publishReportEntry(deadRuntime ? "podgate.notice" : "podgate.teardown.failed",
                deadRuntime ? message + " (its runtime had died; its session removes what is left)" : message);
          } catch (RuntimeException ignored) {
            // the failure below still says it
          }
        }
        if (deadRuntime) {
          continue;
        }
        if (failure == null) {
          failure = new AssertionError(message, cause);
        } else {
          failure.addSuppressed(new PodgateException(message, cause));
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Removals handed to the reused runtime's keeper that failed while the run went on fail the run like
   * those done here; the run does not wait for those still going (a later run reports their failures).
   */
  private static void reportHandOffFailures(List<PodBackend> backends, ExtensionContext run) {
    List<String> failed = new ArrayList<>();
    for (PodBackend b : backends) {
      try {
        failed.addAll(b.handOffFailures());
      } catch (RuntimeException e) {
        // a backend that cannot say has reported nothing; its keeper's log has it
      }
    }
    if (failed.isEmpty()) {
      return;
    }
    if (run != null) {
      failed.forEach(m -> {
        try {
          run.publishReportEntry("podgate.teardown.failed", m);
        } catch (RuntimeException ignored) {
          // the failure below still says it
        }
      });
    }
    AssertionError failure = new AssertionError(failed.get(0));
    failed.subList(1, failed.size()).forEach(m -> failure.addSuppressed(new PodgateException(m)));
    throw failure;
  }

  private static void awaitAll(List<Pending> pending) {
    PodgateException failure = null;
    boolean interrupted = Thread.interrupted(); // a JUnit @Timeout must not cut the wait for removals short
    for (Pending p : pending) {
      try {
        p.removal().join();
      } catch (CompletionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        if (failure == null) {
          failure = new PodgateException("removing the pods of test '" + p.test() + "' failed: " + cause.getMessage(), cause);
        } else {
          failure.addSuppressed(cause);
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** The nearest context that runs a class rather than a method (a test template's invocations included). */
  static ExtensionContext classOf(ExtensionContext ctx) {
    ExtensionContext c = ctx;
    while (c.getTestMethod().isPresent()) {
      Optional<ExtensionContext> parent = c.getParent();
      if (parent.isEmpty()) {
        break;
      }
      c = parent.get();
    }
    return c;
  }
}
