package io.podgate.internal.junit;

import io.podgate.internal.backend.PodBackend;
import io.podgate.internal.backend.PodHandle;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What podgate's extensions share through JUnit's stores: the backend (root store, closed when the
 * run ends) and the {@link PodScope} of each context (closed by afterEach/afterAll, else by JUnit).
 */
final class PodStores {
  static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create("io.podgate");

  private PodStores() {}

  static BackendHolder holder(ExtensionContext ctx) {
    return ctx.getRoot().getStore(NS).getOrComputeIfAbsent(BackendHolder.class, k -> BackendHolder.open(),
        BackendHolder.class);
  }

  static PodBackend backend(ExtensionContext ctx) {
    return holder(ctx).backend();
  }

  /** The pod scope of {@code ctx}, made on first use. */
  static PodScope scope(ExtensionContext ctx) {
    return ctx.getStore(NS).getOrComputeIfAbsent(scopeKey(ctx), k -> new PodScope(), PodScope.class);
  }

  /** The run's background pod removals, waited for before the backend is released. */
  static Teardowns teardowns(ExtensionContext ctx) {
    return holder(ctx).teardowns();
  }

  /** The run's pod sandboxes started ahead of their tests. */
  static PreparedPods prepared(ExtensionContext ctx) {
    return holder(ctx).prepared();
  }

  /**
   * Takes the scope of the test {@code ctx} out of the store and removes its pods in the background
   * (see {@link Teardowns}), or now with {@code podgate.teardown=inline}.
   */
  static void closeScopeInBackground(ExtensionContext ctx) {
    if (!Teardowns.background(ctx)) {
      closeScope(ctx);
      return;
    }
    PodScope s = ctx.getStore(NS).remove(scopeKey(ctx), PodScope.class);
    if (s != null && !s.isEmpty()) {
      teardowns(ctx).submit(ctx, s);
    }
  }

  /**
   * Takes the class-level scope of {@code classCtx} out of the store and removes its pods in the
   * background, the run waiting for them at its end (see {@link Teardowns#submitClass}); now with
   * {@code podgate.teardown=inline}, or when the class or an enclosing one has {@code @PodgateNodes}
   * (their pods must be gone before the nodes stop, when the class's store closes).
   */
  static void closeClassScopeInBackground(ExtensionContext classCtx) {
    if (!Teardowns.background(classCtx) || onNodes(classCtx)) {
      closeScope(classCtx);
      return;
    }
    PodScope s = classCtx.getStore(NS).remove(scopeKey(classCtx), PodScope.class);
    if (s != null && !s.isEmpty()) {
      teardowns(classCtx).submitClass(classCtx, s, holder(classCtx).current());
    }
  }

  /** Whether {@code ctx} or a context around it started nodes. */
  private static boolean onNodes(ExtensionContext ctx) {
    for (Optional<ExtensionContext> c = Optional.of(ctx); c.isPresent(); c = c.get().getParent()) {
      if (c.get().getTestMethod().isEmpty() && c.get().getTestClass().isPresent()
          && PodLifecycleExtension.nodes(c.get()) != null) {
        return true;
      }
    }
    return false;
  }

  /** Closes the scope of {@code ctx} now, taking it out of the store so JUnit does not close it again. */
  static void closeScope(ExtensionContext ctx) {
    PodScope s = ctx.getStore(NS).remove(scopeKey(ctx), PodScope.class);
    if (s != null) {
      s.close();
    }
  }

  private static String scopeKey(ExtensionContext ctx) {
    return "scope:" + ctx.getUniqueId();
  }

  /** The pod scopes a context sees: its own and its ancestors', innermost first. */
  static List<PodScope> scopes(ExtensionContext ctx) {
    List<PodScope> scopes = new ArrayList<>();
    for (Optional<ExtensionContext> c = Optional.of(ctx); c.isPresent(); c = c.get().getParent()) {
      PodScope s = c.get().getStore(NS).get(scopeKey(c.get()), PodScope.class);
      if (s != null) {
        scopes.add(s);
      }
    }
    return scopes;
  }

  /** The pod {@code name} (field, parameter or pod name) as {@code ctx} sees it, or null. */
  static PodHandle find(ExtensionContext ctx, String name) {
    for (PodScope s : scopes(ctx)) {
      PodHandle pod = s.find(name);
      if (pod != null) {
        return pod;
      }
    }
    return null;
  }

  /** The pods a test or lifecycle method could see, innermost scope first, each once. */
  static List<PodHandle> visiblePods(ExtensionContext ctx) {
    Set<PodHandle> pods = new LinkedHashSet<>();
    scopes(ctx).forEach(s -> pods.addAll(s.pods()));
    return new ArrayList<>(pods);
  }

  /** The names the pods {@code ctx} sees answer to. */
  static List<String> visibleNames(ExtensionContext ctx) {
    Set<String> names = new LinkedHashSet<>();
    scopes(ctx).forEach(s -> names.addAll(s.names()));
    return new ArrayList<>(names);
  }
}
