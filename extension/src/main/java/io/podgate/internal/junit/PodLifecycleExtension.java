package io.podgate.internal.junit;

import io.podgate.Container;
import io.podgate.CriContainer;
import io.podgate.HostPort;
import io.podgate.PodIp;
import io.podgate.PodSandbox;
import io.podgate.PodgateNodes;
import io.podgate.internal.backend.NodeGroup;
import io.podgate.internal.backend.PodBackend;
import io.podgate.internal.backend.PodHandle;
import io.podgate.internal.junit.Declarations.ContainerRef;
import io.podgate.internal.junit.Declarations.PodDecl;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Pods for podgate's fields and parameters: static fields in beforeAll (one pod per class), instance
 * fields in beforeEach and parameters on resolution (one pod per test method), SUITE pods once per
 * run. Pods live in {@link PodScope}s in the JUnit store of the context that made them; afterEach and
 * afterAll hand them to {@link Teardowns} (removed in the background), and JUnit's store closes
 * what is left (SUITE pods at the end of the run). A class with {@link PodgateNodes} asks the backend
 * for its nodes in beforeAll and keeps the handle in its store until the class ends.
 */
public final class PodLifecycleExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
    AfterAllCallback, ParameterResolver {

  /** The nodes of a class, closed by JUnit when the class's context closes. */
  @SuppressWarnings("deprecation")
  private record StoredNodes(NodeGroup group) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    @Override
    public void close() {
      group.close();
    }
  }

  /** The nodes the class of {@code classCtx} started, or null. */
  static NodeGroup nodes(ExtensionContext classCtx) {
    StoredNodes s = classCtx.getStore(PodStores.NS).get("nodes:" + classCtx.getUniqueId(), StoredNodes.class);
    return s == null ? null : s.group();
  }

  @Override
  public void beforeAll(ExtensionContext ctx) {
    Class<?> type = ctx.getRequiredTestClass();
    NodeDeclarations.checkNodeNames(type);
    PodBackend backend = PodStores.backend(ctx);
    ApartDeclarations.check(type, backend.schedulesPods());
    backend.notices().forEach(notice -> ctx.publishReportEntry("podgate.notice", notice));
    if (type.isAnnotationPresent(PodgateNodes.class)) {
      NodeGroup nodes = backend.startNodes(NodeDeclarations.spec(type));
      ctx.getStore(PodStores.NS).put("nodes:" + ctx.getUniqueId(), new StoredNodes(nodes));
      Map<String, String> entry = new LinkedHashMap<>();
      nodes.describe().forEach((name, where) -> entry.put("podgate.node." + name, where));
      ctx.publishReportEntry(entry);
    }
    List<Field> fields = Declarations.injectable(type, true);
    ClassLoader loader = type.getClassLoader();
    Map<PodDecl, PodHandle> pods = PodGroups.provision(ctx, Declarations.pods(fields, loader),
        Declarations.containerRefs(fields), "static fields of " + type.getSimpleName(), loader);
    Injection.inject(ctx, null, fields, pods);
  }

  @Override
  public void beforeEach(ExtensionContext ctx) {
    for (Object instance : ctx.getRequiredTestInstances().getAllInstances()) {
      List<Field> fields = Declarations.injectable(instance.getClass(), false);
      if (fields.isEmpty()) {
        continue;
      }
      ClassLoader loader = instance.getClass().getClassLoader();
      Map<PodDecl, PodHandle> pods = PodGroups.provision(ctx, Declarations.pods(fields, loader),
          Declarations.containerRefs(fields), "fields of " + instance.getClass().getSimpleName(), loader);
      Injection.inject(ctx, instance, fields, pods);
    }
  }

  /**
   * Hands the test's own pods (instance fields, parameters) to the background removal once the test
   * and its @AfterEach methods are done, so the next test starts at once; the class waits for them in
   * afterAll. With {@code podgate.teardown=inline} they are removed here, and a failure fails this test.
   */
  @Override
  public void afterEach(ExtensionContext ctx) {
    PodStores.closeScopeInBackground(ctx);
  }

  /**
   * Hands the sandboxes started ahead for tests that did not come to the background removal (the run waits
   * for it at its end), waits for the background removal of its tests' pods (a failure fails the class here,
   * naming the test), then hands the class's own pods to the background removal: the next class starts while
   * they go, and the run waits for them at its end (a failure fails the run there, naming the class and pod).
   * With {@code podgate.teardown=inline}, or nodes, they are removed here. The nodes go when the class's store closes.
   */
  @Override
  public void afterAll(ExtensionContext ctx) {
    PodStores.prepared(ctx).endClass(ctx); // sandboxes started for tests that did not come: removed in the background
    RuntimeException first = null;
    try {
      PodStores.teardowns(ctx).await(ctx);
    } catch (RuntimeException e) {
      first = e;
    }
    try {
      PodStores.closeClassScopeInBackground(ctx);
    } catch (RuntimeException e) {
      if (first == null) {
        first = e;
      } else {
        first.addSuppressed(e);
      }
    }
    if (first != null) {
      throw first;
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext pc, ExtensionContext ctx) {
    Parameter p = pc.getParameter();
    return p.isAnnotationPresent(PodSandbox.class) || p.isAnnotationPresent(PodIp.class) || p.isAnnotationPresent(HostPort.class)
        || (p.getType() == Container.class && p.getAnnotationsByType(CriContainer.class).length > 0);
  }

  @Override
  public Object resolveParameter(ParameterContext pc, ExtensionContext ctx) {
    Parameter p = pc.getParameter();
    try {
      Map<Integer, PodHandle> pods = parameterPods(ctx, pc.getDeclaringExecutable());
      if (p.isAnnotationPresent(PodSandbox.class)) {
        return pods.get(pc.getIndex());
      }
      return Injection.valueFor(ctx, p, p.getType(), p.getName(), Declarations.origin(Injection.annotationOf(p), p));
    } catch (ParameterResolutionException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ParameterResolutionException(e.getMessage(), e);
    }
  }

  /** Creates the @PodSandbox parameters of {@code executable} once, on the first parameter asked for. */
  @SuppressWarnings("unchecked")
  private static Map<Integer, PodHandle> parameterPods(ExtensionContext ctx, Executable executable) {
    String key = "params:" + ctx.getUniqueId() + ":" + executable;
    ExtensionContext.Store store = ctx.getStore(PodStores.NS);
    synchronized (PodStores.scope(ctx)) {
      Map<Integer, PodHandle> done = store.get(key, Map.class);
      if (done != null) {
        return done;
      }
      Parameter[] params = executable.getParameters();
      List<PodDecl> decls = new ArrayList<>();
      List<Integer> indexes = new ArrayList<>();
      List<ContainerRef> refs = new ArrayList<>();
      ClassLoader loader = executable.getDeclaringClass().getClassLoader();
      for (int i = 0; i < params.length; i++) {
        Parameter p = params[i];
        if (p.isAnnotationPresent(PodSandbox.class)) {
          decls.add(Declarations.pod(p, loader));
          indexes.add(i);
        } else if (p.getType() == Container.class && p.getAnnotationsByType(CriContainer.class).length > 0) {
          refs.add(Declarations.ref(Declarations.origin(CriContainer.class, p), p.getName(), p.getAnnotationsByType(CriContainer.class)));
        }
      }
      Map<Integer, PodHandle> result = new LinkedHashMap<>();
      if (!decls.isEmpty()) {
        Map<PodDecl, PodHandle> pods = PodGroups.provision(ctx, decls, refs,
            "parameters of " + executable.getName() + "()", loader);
        for (int i = 0; i < decls.size(); i++) {
          result.put(indexes.get(i), pods.get(decls.get(i)));
        }
      }
      store.put(key, result);
      return result;
    }
  }
}
