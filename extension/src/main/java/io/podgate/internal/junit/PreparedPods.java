package io.podgate.internal.junit;

import io.podgate.PodgateException;
import io.podgate.internal.backend.PodBackend;
import io.podgate.internal.backend.PodHandle;
import io.podgate.internal.backend.PodPlan;
import io.podgate.internal.backend.PodStart;
import io.podgate.internal.pod.PodSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Pod sandboxes started ahead. When a test gets the pod of a non-static {@code @PodSandbox} field, the
 * sandbox for the next test of the same class context, field and spec is started in the background
 * (RunPodSandbox, its address, images), so that test only creates, starts and waits for its containers.
 * A prepared sandbox is taken out of here by exactly one test; one its class does not use (its last
 * test's) is removed in the background when the class ends, and the run waits for that at its end.
 * {@code podgate.prepare=off} turns this off.
 */
@SuppressWarnings("deprecation")
final class PreparedPods implements ExtensionContext.Store.CloseableResource, AutoCloseable {
  static final String PROPERTY = "podgate.prepare";

  /** The pod a field declares for the tests of one class context (a nested class or template has its own). */
  record Key(String classContext, Class<?> declaring, String field) {}

  private record Ahead(PodSpec spec, PodBackend backend, CompletableFuture<Optional<PodStart>> start) {}

  private final ExecutorService pool;
  private final Map<Key, Ahead> ahead = new HashMap<>();
  private final Set<Key> notPreparable = new HashSet<>();
  private final List<CompletableFuture<Void>> removals = new ArrayList<>();
  private boolean closed;

  PreparedPods() {
    AtomicInteger n = new AtomicInteger();
    pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "podgate-prepare-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
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
   * failure then carries the earlier one suppressed). Starts the sandbox of the next test first.
   */
  PodHandle create(ExtensionContext ctx, Key key, PodSpec spec, PodPlan plan, PodBackend backend,
      Map<String, String> testLabels, Map<String, String> classLabels) {
    Ahead mine = take(key);
    startAhead(key, spec, backend, classLabels);
    RuntimeException aheadFailure = null;
    if (mine != null && (!mine.spec().equals(spec) || mine.backend() != backend)) {
      discard(mine); // another spec, or a backend replaced since (its runtime died): never used
      mine = null;
    }
    if (mine != null) {
      Optional<PodStart> start = Optional.empty();
      try {
        start = mine.start().join();
      } catch (CompletionException e) {
        aheadFailure = e.getCause() instanceof RuntimeException r ? r : e;
        ctx.publishReportEntry("podgate.notice", "starting the sandbox of " + plan.origin()
            + " ahead failed, so it is made now: " + aheadFailure.getMessage());
      }
      if (start.isPresent()) {
        return start.get().finish(testLabels);
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

  private synchronized Ahead take(Key key) {
    return ahead.remove(key);
  }

  private synchronized void startAhead(Key key, PodSpec spec, PodBackend backend, Map<String, String> labels) {
    if (closed || ahead.containsKey(key) || notPreparable.contains(key)) {
      return;
    }
    CompletableFuture<Optional<PodStart>> start = CompletableFuture.supplyAsync(() -> {
      Optional<PodStart> s = backend.startAhead(backend.plan(spec), labels);
      if (s.isEmpty()) {
        synchronized (this) {
          notPreparable.add(key);
        }
      }
      return s;
    }, pool);
    ahead.put(key, new Ahead(spec, backend, start));
  }

  /** Removes, in the background, the sandboxes prepared for tests of {@code classCtx} that did not come. */
  synchronized void endClass(ExtensionContext classCtx) {
    String id = classCtx.getUniqueId();
    ahead.entrySet().removeIf(e -> {
      if (e.getKey().classContext().equals(id)) {
        discard(e.getValue());
        return true;
      }
      return false;
    });
    notPreparable.removeIf(k -> k.classContext().equals(id));
  }

  /** Removal failures count only while the backend is healthy: a dead runtime's leftovers are its session's to clean. */
  private synchronized void discard(Ahead a) {
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
      ahead.values().forEach(this::discard);
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
