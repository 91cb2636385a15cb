package io.podgate.internal.junit;

import io.podgate.PodgateException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Removal of per-method pods off the test's critical path: afterEach hands a test's pods here and the
 * next test starts while they are removed. The class that ran the test waits for them in its
 * afterAll, so a removal that fails fails that class, naming the test; the run waits for anything
 * left when it ends. {@code podgate.teardown=inline} removes them in afterEach instead.
 */
@SuppressWarnings("deprecation")
final class Teardowns implements ExtensionContext.Store.CloseableResource, AutoCloseable {
  static final String PROPERTY = "podgate.teardown";

  private record Pending(String test, CompletableFuture<Void> removal) {}

  private final ExecutorService pool;
  private final Map<String, List<Pending>> byClass = new HashMap<>();

  Teardowns() {
    AtomicInteger n = new AtomicInteger();
    pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "podgate-teardown-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** Whether per-method pods are removed in the background (default) or in afterEach. */
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
    CompletableFuture<Void> removal = CompletableFuture.runAsync(scope::close, pool);
    synchronized (this) {
      byClass.computeIfAbsent(owner, k -> new ArrayList<>()).add(new Pending(methodCtx.getDisplayName(), removal));
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

  @Override
  public void close() {
    List<Pending> all = new ArrayList<>();
    synchronized (this) {
      byClass.values().forEach(all::addAll);
      byClass.clear();
    }
    try {
      awaitAll(all);
    } finally {
      pool.shutdown();
    }
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
