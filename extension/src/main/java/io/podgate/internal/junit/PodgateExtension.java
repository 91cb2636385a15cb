package io.podgate.internal.junit;

import io.podgate.internal.measure.api.MeasureInternals;
import io.podgate.Container;
import io.podgate.CriContainer;
import io.podgate.HostPort;
import io.podgate.measure.Measure;
import io.podgate.Pod;
import io.podgate.PodIp;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.PodgateNodes;
import io.podgate.measure.PodgateReport;
import io.podgate.internal.junit.Declarations.ContainerRef;
import io.podgate.internal.junit.Declarations.PodDecl;
import io.podgate.internal.pod.ContainerSpec;
import io.podgate.internal.pod.K8sNames;
import io.podgate.internal.pod.PodProvisioner;
import io.podgate.internal.pod.PodSpec;
import io.podgate.internal.pod.PodSpecException;
import io.podgate.internal.pod.PodgateSession;
import io.podgate.internal.pod.RunningPod;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * Maps podgate annotations to pods: static fields in beforeAll (one pod per class), instance
 * fields in beforeEach and parameters on resolution (one pod per test method), SUITE pods once per
 * run. Pods live in {@link PodScope}s in the JUnit store of the context that made them; afterEach and
 * afterAll remove them (so a teardown failure fails that test or class), and JUnit's store closes
 * what is left (SUITE pods at the end of the run).
 */
public final class PodgateExtension implements ExecutionCondition, BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
    AfterAllCallback,
    ParameterResolver, TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(PodgateExtension.class);

  // ---- runtime ----

  private static SessionHolder holder(ExtensionContext ctx) {
    return ctx.getRoot().getStore(NS).getOrComputeIfAbsent(SessionHolder.class, k -> SessionHolder.open(), SessionHolder.class);
  }

  private static PodgateSession session(ExtensionContext ctx) {
    return holder(ctx).session();
  }

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext ctx) {
    if (ctx.getTestClass().isEmpty() || ctx.getTestMethod().isPresent()) {
      return ConditionEvaluationResult.enabled("podgate decides per class");
    }
    SessionHolder h = holder(ctx);
    if (h.failed() && disabledWithoutRuntime(ctx.getRequiredTestClass())) {
      return ConditionEvaluationResult.disabled("podgate: no container runtime, tests skipped "
          + "(@Podgate(disabledWithoutRuntime = true)): " + h.failureMessage());
    }
    return ConditionEvaluationResult.enabled("podgate runtime available or failures requested");
  }

  private static boolean disabledWithoutRuntime(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
      Podgate p = c.getAnnotation(Podgate.class);
      if (p != null) {
        return p.disabledWithoutRuntime();
      }
    }
    return false;
  }

  // ---- reports and measurements ----

  private static RunReport runReport(ExtensionContext ctx) {
    return ctx.getRoot().getStore(NS).getOrComputeIfAbsent(RunReport.class, k -> new RunReport(), RunReport.class);
  }

  /** The test's (or, for a @BeforeAll parameter, the class's) report and measurement environment. */
  private static TestMeasureEnvironment environment(ExtensionContext ctx) {
    return ctx.getStore(NS).getOrComputeIfAbsent("measure-env:" + ctx.getUniqueId(), k -> {
      PodgateReport report = runReport(ctx).forTest(ctx.getUniqueId(), ctx.getDisplayName(), ctx::publishReportEntry);
      return new TestMeasureEnvironment(() -> new io.podgate.internal.pod.CriPodBackend(session(ctx)), report);
    }, TestMeasureEnvironment.class);
  }

  /**
   * Removes the class's pods, then writes the report files (so an aborted run still leaves what it
   * measured). A teardown failure fails the class here, naming the pod, instead of surfacing as
   * JUnit's "Failed to close extension context".
   */
  @Override
  public void afterAll(ExtensionContext ctx) {
    try {
      closeScope(ctx);
    } finally {
      runReport(ctx).write();
    }
  }

  /**
   * Removes the test's own pods (instance fields, parameters) once the test and its @AfterEach methods
   * are done: a teardown failure then fails this test, or is attached to its failure as suppressed.
   */
  @Override
  public void afterEach(ExtensionContext ctx) {
    closeScope(ctx);
  }

  /** Closes the scope of {@code ctx} now, taking it out of the store so JUnit does not close it again. */
  private static void closeScope(ExtensionContext ctx) {
    PodScope s = ctx.getStore(NS).remove("scope:" + ctx.getUniqueId(), PodScope.class);
    if (s != null) {
      s.close();
    }
  }

  // ---- scopes ----

  private static PodScope scope(ExtensionContext ctx) {
    return ctx.getStore(NS).getOrComputeIfAbsent("scope:" + ctx.getUniqueId(), k -> new PodScope(), PodScope.class);
  }

  /** The pod scopes a context sees: its own and its ancestors', innermost first. */
  private static List<PodScope> scopes(ExtensionContext ctx) {
    List<PodScope> scopes = new ArrayList<>();
    for (Optional<ExtensionContext> c = Optional.of(ctx); c.isPresent(); c = c.get().getParent()) {
      PodScope s = c.get().getStore(NS).get("scope:" + c.get().getUniqueId(), PodScope.class);
      if (s != null) {
        scopes.add(s);
      }
    }
    return scopes;
  }

  private static RunningPod find(ExtensionContext ctx, String name) {
    for (PodScope s : scopes(ctx)) {
      RunningPod pod = s.find(name);
      if (pod != null) {
        return pod;
      }
    }
    return null;
  }

  /** The pods a test or lifecycle method could see, innermost scope first, each once. */
  private static List<RunningPod> visiblePods(ExtensionContext ctx) {
    Set<RunningPod> pods = new LinkedHashSet<>();
    scopes(ctx).forEach(s -> pods.addAll(s.pods()));
    return new ArrayList<>(pods);
  }

  // ---- failures: keep the logs of the pods, which teardown is about to remove ----

  @Override
  public void handleTestExecutionException(ExtensionContext ctx, Throwable failure) throws Throwable {
    throw withPodLogs(ctx, failure);
  }

  @Override
  public void handleBeforeAllMethodExecutionException(ExtensionContext ctx, Throwable failure) throws Throwable {
    throw withPodLogs(ctx, failure);
  }

  @Override
  public void handleBeforeEachMethodExecutionException(ExtensionContext ctx, Throwable failure) throws Throwable {
    throw withPodLogs(ctx, failure);
  }

  @Override
  public void handleAfterEachMethodExecutionException(ExtensionContext ctx, Throwable failure) throws Throwable {
    throw withPodLogs(ctx, failure);
  }

  @Override
  public void handleAfterAllMethodExecutionException(ExtensionContext ctx, Throwable failure) throws Throwable {
    throw withPodLogs(ctx, failure);
  }

  private static Throwable withPodLogs(ExtensionContext ctx, Throwable failure) {
    if (failure instanceof TestAbortedException) {
      return failure; // an assumption, not a failure
    }
    try {
      FailureLogs.attach(ctx.getUniqueId(), visiblePods(ctx), failure, ctx::publishReportEntry);
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
    return failure;
  }

  private static List<String> visible(ExtensionContext ctx) {
    Set<String> names = new LinkedHashSet<>();
    scopes(ctx).forEach(s -> names.addAll(s.names()));
    return new ArrayList<>(names);
  }

  // ---- lifecycle ----

  @Override
  public void beforeAll(ExtensionContext ctx) {
    Class<?> type = ctx.getRequiredTestClass();
    ClassNodes.checkNodeNames(type);
    PodgateSession session = session(ctx);
    session.notices().forEach(notice -> ctx.publishReportEntry("podgate.notice", notice));
    if (type.isAnnotationPresent(PodgateNodes.class)) {
      ClassNodes nodes = ClassNodes.start(type, session);
      ctx.getStore(NS).put("nodes:" + ctx.getUniqueId(), nodes);
      Map<String, String> entry = new LinkedHashMap<>();
      nodes.topology().nodes().forEach(n -> entry.put("podgate.node." + n.name(), n.address() + " pods " + n.podSubnet()
          + (n.remote() ? " remote " + n.socket() : " netns " + n.netns().orElse(""))));
      ctx.publishReportEntry(entry);
    }
    List<Field> fields = Declarations.injectable(type, true);
    ClassLoader loader = type.getClassLoader();
    Map<PodDecl, RunningPod> pods = provisionGroup(ctx, session, Declarations.pods(fields, loader),
        Declarations.containerRefs(fields), "static fields of " + type.getSimpleName(), loader);
    inject(ctx, null, fields, pods);
  }

  @Override
  public void beforeEach(ExtensionContext ctx) {
    List<Object> instances = ctx.getRequiredTestInstances().getAllInstances();
    for (Object instance : instances) {
      List<Field> fields = Declarations.injectable(instance.getClass(), false);
      if (fields.isEmpty()) {
        continue;
      }
      PodgateSession session = session(ctx);
      ClassLoader loader = instance.getClass().getClassLoader();
      Map<PodDecl, RunningPod> pods = provisionGroup(ctx, session, Declarations.pods(fields, loader),
          Declarations.containerRefs(fields), "fields of " + instance.getClass().getSimpleName(), loader);
      inject(ctx, instance, fields, pods);
    }
  }

  /**
   * Creates the pods declared together (the static fields of a class, the instance fields of an
   * object, the parameters of a method). Every declaration is read and checked before the first pod
   * is created.
   */
  private Map<PodDecl, RunningPod> provisionGroup(ExtensionContext ctx, PodgateSession session, List<PodDecl> decls,
      List<ContainerRef> refs, String group, ClassLoader loader) {
    Map<PodDecl, List<ContainerSpec>> extra = new LinkedHashMap<>();
    decls.forEach(d -> extra.put(d, new ArrayList<>()));
    for (ContainerRef ref : refs) {
      PodDecl target = decls.stream().filter(d -> d.answersTo(ref.pod())).findFirst().orElse(null);
      if (target != null) {
        if (ref.declaresContainer()) {
          extra.get(target).add(Declarations.container(ref.origin(), ref.name(), ref.annotation(), loader));
        }
        continue;
      }
      boolean elsewhere = find(ctx, ref.pod()) != null;
      if (!elsewhere) {
        List<String> known = new ArrayList<>(decls.stream().map(PodDecl::key).toList());
        known.addAll(visible(ctx));
        throw new PodSpecException(ref.origin(), "pod = \"" + ref.pod() + "\" names no @PodSandbox; pods declared here: "
            + known + ". Declare @PodSandbox Pod " + ref.pod() + " or fix the name");
      }
      if (ref.declaresContainer()) {
        throw new PodSpecException(ref.origin(), "pod \"" + ref.pod() + "\" is declared elsewhere (" + group
            + " cannot add containers to it); put this @CriContainer on that pod, or drop image/config here to refer to an existing container");
      }
    }
    Map<PodDecl, PodProvisioner> provisioners = new LinkedHashMap<>();
    for (PodDecl d : decls) {
      provisioners.put(d, provisionerFor(ctx, session, d));
    }
    Map<PodDecl, PodProvisioner.Prepared> prepared = new LinkedHashMap<>();
    for (PodDecl d : decls) {
      List<ContainerSpec> all = new ArrayList<>(d.spec().containers());
      all.addAll(extra.get(d));
      PodSpec spec = d.spec().withContainers(all);
      prepared.put(d, provisioners.get(d).prepare(spec));
    }
    PodScope scope = scope(ctx);
    Map<PodDecl, RunningPod> out = new LinkedHashMap<>();
    for (Map.Entry<PodDecl, PodProvisioner.Prepared> e : prepared.entrySet()) {
      PodDecl d = e.getKey();
      RunningPod pod;
      PodProvisioner provisioner = provisioners.get(d);
      if (d.scope() == PodSandbox.Scope.SUITE) {
        String name = e.getValue().sandbox().getMetadata().getName();
        PodScope suite = scope(ctx.getRoot());
        boolean[] created = {false};
        pod = suite.shared("suite:" + name, () -> {
          created[0] = true;
          return provisioner.provision(e.getValue());
        });
        scope.alias(pod, d.key());
        if (created[0]) {
          report(ctx, pod);
        }
      } else {
        testLabels(ctx).forEach((k, v) -> e.getValue().sandbox().putLabels(k, v));
        pod = provisioner.provision(e.getValue());
        scope.own(pod, d.key());
        report(ctx, pod);
      }
      out.put(d, pod);
    }
    return out;
  }

  public static final String TEST_CLASS_LABEL = "io.podgate.test-class";
  public static final String TEST_LABEL = "io.podgate.test";

  /** Which test a pod belongs to, as label values (test names may hold anything: quotes, newlines, 300 chars). */
  static Map<String, String> testLabels(ExtensionContext ctx) {
    Map<String, String> labels = new LinkedHashMap<>();
    ctx.getTestClass().ifPresent(c -> labels.put(TEST_CLASS_LABEL, K8sNames.labelValue(c.getSimpleName())));
    if (ctx.getTestMethod().isPresent()) {
      String method = ctx.getTestMethod().get().getName();
      String display = ctx.getDisplayName();
      labels.put(TEST_LABEL, K8sNames.labelValue(display.startsWith(method) ? display : method + "-" + display));
    }
    return labels;
  }

  /** The session's provisioner, or that of the node the declaration names. */
  private static PodProvisioner provisionerFor(ExtensionContext ctx, PodgateSession session, PodDecl d) {
    PodSandbox ps = d.element().getAnnotation(PodSandbox.class);
    if (ps == null || ps.node().isEmpty()) {
      return session.provisioner();
    }
    String origin = d.spec().origin();
    Class<?> type = ctx.getRequiredTestClass();
    Class<?> declaring = ClassNodes.declaring(type);
    ClassNodes.check(origin, ps, type, declaring, ClassNodes.declaredNames(declaring));
    for (Optional<ExtensionContext> c = Optional.of(ctx); c.isPresent(); c = c.get().getParent()) {
      if (c.get().getTestClass().orElse(null) == declaring && c.get().getTestMethod().isEmpty()) {
        ClassNodes nodes = c.get().getStore(NS).get("nodes:" + c.get().getUniqueId(), ClassNodes.class);
        if (nodes != null) {
          return nodes.provisioner(ps.node(), origin);
        }
      }
    }
    throw new PodSpecException(origin, "the nodes of @PodgateNodes on " + declaring.getSimpleName()
        + " are not running here (they live from that class's beforeAll to its afterAll)");
  }

  private static void report(ExtensionContext ctx, RunningPod pod) {
    Map<String, String> entry = new LinkedHashMap<>();
    entry.put("podgate.pod", pod.namespace() + "/" + pod.name());
    entry.put("podgate.pod.id", pod.id());
    entry.put("podgate.pod.ip", pod.ip());
    pod.node().ifPresent(n -> entry.put("podgate.pod.node", n.name()));
    entry.put("podgate.pod.images", String.join(",", pod.containers().stream().map(c -> c.name() + "=" + c.image()).toList()));
    if (pod.timings() != null) {
      entry.put("podgate.pod.imagesMs", Long.toString(pod.timings().imagesMs()));
      entry.put("podgate.pod.createMs", Long.toString(pod.timings().createMs()));
      entry.put("podgate.pod.startMs", Long.toString(pod.timings().startMs()));
      entry.put("podgate.pod.readyMs", Long.toString(pod.timings().readyMs()));
    }
    if (pod.privileged()) {
      entry.put("podgate.pod.privileged", "true"); // asked for by the test: shown so it is never silent
    }
    entry.put("podgate.pod.hostNamespaces", String.join(",", pod.hostNamespaces()));
    entry.values().removeIf(String::isBlank); // JUnit refuses blank values (e.g. a pod without containers)
    ctx.publishReportEntry(entry);
  }

  // ---- injection ----

  private void inject(ExtensionContext ctx, Object instance, List<Field> fields, Map<PodDecl, RunningPod> pods) {
    for (Field f : fields) {
      Object value;
      PodSandbox ps = f.getAnnotation(PodSandbox.class);
      if (ps != null) {
        value = pods.entrySet().stream().filter(e -> e.getKey().element().equals(f)).map(Map.Entry::getValue)
            .findFirst().orElseThrow();
      } else {
        value = valueFor(ctx, f, f.getType(), f.getName(), Declarations.origin(annotationOf(f), f));
      }
      if (Modifier.isFinal(f.getModifiers())) {
        throw new PodSpecException(Declarations.origin(annotationOf(f), f), "the field is final; podgate cannot set it");
      }
      try {
        f.setAccessible(true);
        f.set(instance, value);
      } catch (IllegalAccessException | RuntimeException e) {
        throw new PodSpecException(Declarations.origin(annotationOf(f), f), "cannot set the field: " + e.getMessage(), e);
      }
    }
  }

  private static Class<?> annotationOf(AnnotatedElement e) {
    if (e.isAnnotationPresent(PodSandbox.class)) {
      return PodSandbox.class;
    }
    if (e.isAnnotationPresent(PodIp.class)) {
      return PodIp.class;
    }
    if (e.isAnnotationPresent(HostPort.class)) {
      return HostPort.class;
    }
    return CriContainer.class;
  }

  /** The value of a Container, {@link PodIp} or {@link HostPort} element. */
  private static Object valueFor(ExtensionContext ctx, AnnotatedElement e, Class<?> type, String elementName, String origin) {
    PodIp ip = e.getAnnotation(PodIp.class);
    if (ip != null) {
      RunningPod pod = required(ctx, ip.value(), origin);
      if (type == String.class) {
        return pod.ip();
      }
      if (type == InetAddress.class) {
        return pod.inetAddress();
      }
      throw new PodSpecException(origin, "@PodIp needs a String or InetAddress, not " + type.getName());
    }
    HostPort hp = e.getAnnotation(HostPort.class);
    if (hp != null) {
      if (type != int.class && type != Integer.class) {
        throw new PodSpecException(origin, "@HostPort needs an int, not " + type.getName());
      }
      RunningPod pod = required(ctx, hp.pod(), origin);
      try {
        return pod.hostPort(hp.containerPort(), PodSpec.Protocol.valueOf(hp.protocol().name()));
      } catch (RuntimeException ex) {
        throw new PodSpecException(origin, ex.getMessage(), ex);
      }
    }
    CriContainer[] cs = e.getAnnotationsByType(CriContainer.class);
    if (cs.length > 0) {
      if (type != Container.class) {
        throw new PodSpecException(origin, "@CriContainer without @PodSandbox belongs on a field or parameter of type io.podgate.Container, not " + type.getName());
      }
      ContainerRef ref = Declarations.ref(origin, elementName, cs);
      RunningPod pod = required(ctx, ref.pod(), origin);
      try {
        return pod.container(ref.name());
      } catch (RuntimeException ex) {
        throw new PodSpecException(origin, ex.getMessage(), ex);
      }
    }
    throw new PodSpecException(origin, "nothing for podgate to inject");
  }

  private static RunningPod required(ExtensionContext ctx, String name, String origin) {
    RunningPod pod = find(ctx, name);
    if (pod == null) {
      throw new PodSpecException(origin, "no pod named \"" + name + "\" exists here; known pods: " + visible(ctx)
          + ". Declare it with @PodSandbox or fix the name");
    }
    return pod;
  }

  // ---- parameters ----

  @Override
  public boolean supportsParameter(ParameterContext pc, ExtensionContext ctx) {
    Parameter p = pc.getParameter();
    if (p.getType() == Measure.class || p.getType() == PodgateReport.class) {
      return true;
    }
    return p.isAnnotationPresent(PodSandbox.class) || p.isAnnotationPresent(PodIp.class) || p.isAnnotationPresent(HostPort.class)
        || (p.getType() == Container.class && p.getAnnotationsByType(CriContainer.class).length > 0);
  }

  @Override
  public Object resolveParameter(ParameterContext pc, ExtensionContext ctx) {
    Parameter p = pc.getParameter();
    if (p.getType() == PodgateReport.class) {
      return environment(ctx).report();
    }
    if (p.getType() == Measure.class) {
      return MeasureInternals.access().measure(environment(ctx));
    }
    try {
      Map<Integer, RunningPod> pods = parameterPods(ctx, pc.getDeclaringExecutable());
      if (p.isAnnotationPresent(PodSandbox.class)) {
        return pods.get(pc.getIndex());
      }
      return valueFor(ctx, p, p.getType(), p.getName(), Declarations.origin(annotationOf(p), p));
    } catch (ParameterResolutionException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ParameterResolutionException(e.getMessage(), e);
    }
  }

  /** Creates the @PodSandbox parameters of {@code executable} once, on the first parameter asked for. */
  @SuppressWarnings("unchecked")
  private Map<Integer, RunningPod> parameterPods(ExtensionContext ctx, Executable executable) {
    String key = "params:" + ctx.getUniqueId() + ":" + executable;
    ExtensionContext.Store store = ctx.getStore(NS);
    synchronized (scope(ctx)) {
      Map<Integer, RunningPod> done = store.get(key, Map.class);
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
      Map<Integer, RunningPod> result = new LinkedHashMap<>();
      if (!decls.isEmpty()) {
        Map<PodDecl, RunningPod> pods = provisionGroup(ctx, session(ctx), decls, refs,
            "parameters of " + executable.getName() + "()", loader);
        for (int i = 0; i < decls.size(); i++) {
          result.put(indexes.get(i), pods.get(decls.get(i)));
        }
      }
      store.put(key, result);
      return result;
    }
  }

  static String describe(Object[] values) {
    return Arrays.toString(values);
  }
}
