package io.podgate.internal.junit;

import io.podgate.PodgateException;
import io.podgate.internal.backend.PodBackend;
import io.podgate.internal.backend.PodHandle;
import io.podgate.internal.backend.PodPlan;
import io.podgate.internal.backend.PodStart;
import io.podgate.internal.pod.DaemonPools;
import io.podgate.internal.pod.PodSpec;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.annotation.Testable;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * Pod sandboxes started ahead. When a test gets the pod of a non-static {@code @PodSandbox} field, the
 * sandbox for the next test of the same class context, field and spec is started in the background
 * (RunPodSandbox, its address, images), so that test only creates, starts and waits for its containers.
 * When a test finds its sandbox still starting (tests come faster than a sandbox is made), two are kept
 * ahead for that field from then on, but never more than the class has tests left when all its tests are
 * plain test methods (so a class of ten makes ten sandboxes, not twelve).
 * A prepared sandbox is taken out of here by exactly one test; those its class does not use (after its
 * last test) are removed in the background when the class ends, and the run waits for that at its end.
 * A class whose only test is one plain test method gets none. {@code podgate.prepare=off} turns this off.
 */
@SuppressWarnings("deprecation")
final class PreparedPods implements ExtensionContext.Store.CloseableResource, AutoCloseable {
  static final String PROPERTY = "podgate.prepare";
  /** Sandboxes kept ahead at most per key: the ones after a class's last test are made for nothing. */
  static final int MAX_DEPTH = 2;

  /**
   * The pod a field declares for the tests of one class context: a nested class has its own; the
   * invocations of a repeated or parameterized test are tests of their class.
   */
  record Key(String classContext, Class<?> declaring, String field) {}

  private record Ahead(PodSpec spec, PodBackend backend, CompletableFuture<Optional<PodStart>> start) {}

  private final ExecutorService pool;
  /** Sandboxes started ahead per key, the oldest first; at most {@link #MAX_DEPTH}. */
  private final Map<Key, ArrayDeque<Ahead>> ahead = new HashMap<>();
  /** How many to keep ahead per key: 1, raised when a test had to wait for its sandbox. */
  private final Map<Key, Integer> depth = new HashMap<>();
  private final Set<Key> notPreparable = new HashSet<>();
  /** {@link #plainTests} per test class, read once. */
  private final Map<Class<?>, OptionalInt> testCounts = new ConcurrentHashMap<>();
  /** Pods handed out per key so far, to stop preparing once a class of plain tests has none left. */
  private final Map<Key, Integer> taken = new HashMap<>();
  private final List<CompletableFuture<Void>> removals = new ArrayList<>();
  private boolean closed;

  PreparedPods() {
    pool = DaemonPools.cached("podgate-prepare");
  }

  /** Whether sandboxes are started ahead ({@code on}, the default) or each pod is made in its test ({@code off}). */
  static boolean enabled(ExtensionContext ctx) {
    String v = ctx.getConfigurationParameter(PROPERTY).orElse(System.getProperty(PROPERTY, "on")).strip();
    return switch (v) {
      case "on", "true" -> true;
      case "off", "false" -> false;
      default -> throw new PodgateException(PROPERTY + " = \"" + v + "\" must be on or off");
    };
  }

  /**
   * The pod for the test of {@code ctx}: the sandbox prepared for it finished with {@code testLabels} on
   * its containers, or, when there is none or starting it failed, made at once from {@code plan} (a
   * failure then carries the earlier one suppressed). Then starts the sandbox of the next test.
   */
  PodHandle create(ExtensionContext ctx, Key key, PodSpec spec, PodPlan plan, PodBackend backend,
      Map<String, String> testLabels, Map<String, String> classLabels) {
    Ahead mine = take(key);
    PodHandle pod = made(ctx, mine, spec, plan, backend, testLabels);
    OptionalInt tests = testCounts.computeIfAbsent(Teardowns.classOf(ctx).getRequiredTestClass(), PreparedPods::plainTests);
    // after a pod that works: a test that fails leaves nothing behind
    topUp(key, spec, backend, classLabels, tests.isPresent() ? tests.getAsInt() - taken(key) : MAX_DEPTH);
    return pod;
  }

  /**
   * How many tests {@code testClass} runs at most when every one is a plain test method (its own and
   * inherited ones); empty when one is a template, factory, repeated or parameterized test, whose
   * invocations are not known before they run. Sandboxes ahead of tests that never come are made for nothing.
   */
  static OptionalInt plainTests(Class<?> testClass) {
    List<Method> tests = ReflectionSupport.findMethods(testClass,
        m -> AnnotationSupport.isAnnotated(m, Testable.class), HierarchyTraversalMode.TOP_DOWN);
    for (Method m : tests) {
      if (!AnnotationSupport.isAnnotated(m, Test.class)) {
        return OptionalInt.empty();
      }
    }
    return OptionalInt.of(tests.size());
  }

  private synchronized int taken(Key key) {
    return taken.getOrDefault(key, 0);
  }

  private PodHandle made(ExtensionContext ctx, Ahead mine, PodSpec spec, PodPlan plan, PodBackend backend,
      Map<String, String> testLabels) {
    RuntimeException aheadFailure = null;
    if (mine != null && (!mine.spec().equals(spec) || mine.backend() != backend)) {
      discard(mine); // another spec, or a backend replaced since (its runtime died): never used
      mine = null;
    }
    if (mine != null) {
      Optional<PodStart> start = Optional.empty();
      long t0 = System.nanoTime();
      try {
        start = mine.start().join();
      } catch (CompletionException e) {
        aheadFailure = e.getCause() instanceof RuntimeException r ? r : e;
        ctx.publishReportEntry("podgate.notice", "starting the sandbox of " + plan.origin()
            + " ahead failed, so it is made now: " + aheadFailure.getMessage());
      }
      if (start.isPresent() && !start.get().usable()) {
        aheadFailure = new PodgateException("the sandbox " + start.get().id() + " started ahead for " + plan.origin()
            + " no longer runs (stopped or removed by something else)");
        ctx.publishReportEntry("podgate.notice", aheadFailure.getMessage() + "; the pod is made now");
        removeQuietly(start.get());
        start = Optional.empty();
      }
      if (start.isPresent()) {
        return start.get().finish(testLabels, System.nanoTime() - t0);
      }
    }
    try {
      return backend.create(plan, testLabels);
    } catch (RuntimeException e) {
      if (aheadFailure != null) {
        e.addSuppressed(new PodgateException("starting this pod's sandbox ahead had failed first: "
            + aheadFailure.getMessage(), aheadFailure));
      }
      throw e;
    }
  }

  /** Frees what is left of a sandbox that died under us (its host ports), in the background; its fate is already reported. */
  private synchronized void removeQuietly(PodStart start) {
    removals.add(CompletableFuture.runAsync(() -> {
      try {
        start.close();
      } catch (RuntimeException e) {
        // it is gone or going: the session's end removes any remains
      }
    }, pool));
  }

  /** The oldest sandbox started for {@code key}; one still starting means tests come faster than one ahead: keep two. */
  private synchronized Ahead take(Key key) {
    taken.merge(key, 1, Integer::sum);
    ArrayDeque<Ahead> queue = ahead.get(key);
    Ahead first = queue == null ? null : queue.poll();
    if (first != null && !first.start().isDone()) {
      depth.put(key, Math.min(MAX_DEPTH, depth.getOrDefault(key, 1) + 1));
    }
    return first;
  }

  private synchronized void topUp(Key key, PodSpec spec, PodBackend backend, Map<String, String> labels,
      int testsLeft) {
    ArrayDeque<Ahead> queue = ahead.computeIfAbsent(key, k -> new ArrayDeque<>());
    int wanted = Math.min(depth.getOrDefault(key, 1), testsLeft);
    while (!closed && !notPreparable.contains(key) && queue.size() < wanted) {
      queue.add(startAhead(key, spec, backend, labels));
    }
  }

  private Ahead startAhead(Key key, PodSpec spec, PodBackend backend, Map<String, String> labels) {
    CompletableFuture<Optional<PodStart>> start = CompletableFuture.supplyAsync(() -> {
      Optional<PodStart> s = backend.startAhead(backend.plan(spec), labels);
      if (s.isEmpty()) {
        synchronized (this) {
          notPreparable.add(key);
        }
      }
      return s;
    }, pool);
    return new Ahead(spec, backend, start);
  }

  /** Removes, in the background, the sandboxes prepared for tests of {@code classCtx} that did not come. */
  synchronized void endClass(ExtensionContext classCtx) {
    String id = classCtx.getUniqueId();
    ahead.entrySet().removeIf(e -> {
      if (e.getKey().classContext().equals(id)) {
        e.getValue().forEach(this::discard);
        return true;
      }
      return false;
    });
    notPreparable.removeIf(k -> k.classContext().equals(id));
    depth.keySet().removeIf(k -> k.classContext().equals(id));
    taken.keySet().removeIf(k -> k.classContext().equals(id));
  }

  /** Removal failures count only while the backend is healthy: a dead runtime's leftovers are its session's to clean. */
  private synchronized void discard(Ahead a) {
    removals.removeIf(r -> r.isDone() && !r.isCompletedExceptionally()); // a long run keeps only what may fail
    removals.add(a.start().handleAsync((start, failed) -> {
      if (start != null && start.isPresent()) {
        try {
          start.get().close();
        } catch (RuntimeException e) {
          if (a.backend().healthy()) {
            throw new PodgateException("removing the unused pod sandbox " + start.get().id() + " started ahead for "
                + a.spec().origin() + " failed: " + e.getMessage(), e);
          }
        }
      }
      return null;
    }, pool));
  }

  /** Removes every sandbox still prepared and waits for all removals; throws the first failure, the others suppressed. */
  @Override
  public void close() {
    List<CompletableFuture<Void>> all;
    synchronized (this) {
      closed = true;
      ahead.values().forEach(q -> q.forEach(this::discard));
      ahead.clear();
      all = new ArrayList<>(removals);
      removals.clear();
    }
    PodgateException failure = null;
    for (CompletableFuture<Void> r : all) {
      try {
        r.join();
      } catch (CompletionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        if (failure == null) {
          failure = cause instanceof PodgateException p ? p : new PodgateException(cause.getMessage(), cause);
        } else {
          failure.addSuppressed(cause);
        }
      }
    }
    pool.shutdown();
    if (failure != null) {
      throw failure;
    }
  }
}
