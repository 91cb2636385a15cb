package io.podgate.internal.junit;

import io.podgate.internal.host.PodgateLabels;
import io.podgate.PodSandbox;
import io.podgate.internal.backend.NodeGroup;
import io.podgate.internal.backend.PodBackend;
import io.podgate.internal.backend.PodHandle;
import io.podgate.internal.backend.PodPlan;
import io.podgate.internal.junit.Declarations.ContainerRef;
import io.podgate.internal.junit.Declarations.PodDecl;
import io.podgate.internal.pod.ContainerSpec;
import io.podgate.internal.pod.K8sNames;
import io.podgate.internal.pod.PodSpec;
import io.podgate.internal.pod.PodSpecException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Creates the pods declared together (the static fields of a class, the instance fields of an
 * object, the parameters of a method) through the backend, into the context's {@link PodScope};
 * SUITE pods go to the root scope, node pods to the class's {@link NodeGroup}.
 */
final class PodGroups {

  private PodGroups() {}

  /** Every declaration is read and checked before the first pod is created. */
  static Map<PodDecl, PodHandle> provision(ExtensionContext ctx, List<PodDecl> decls, List<ContainerRef> refs,
      String group, ClassLoader loader) {
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
      boolean elsewhere = PodStores.find(ctx, ref.pod()) != null;
      if (!elsewhere) {
        List<String> known = new ArrayList<>(decls.stream().map(PodDecl::key).toList());
        known.addAll(PodStores.visibleNames(ctx));
        throw new PodSpecException(ref.origin(), "pod = \"" + ref.pod() + "\" names no @PodSandbox; pods declared here: "
            + known + ". Declare @PodSandbox Pod " + ref.pod() + " or fix the name");
      }
      if (ref.declaresContainer()) {
        throw new PodSpecException(ref.origin(), "pod \"" + ref.pod() + "\" is declared elsewhere (" + group
            + " cannot add containers to it); put this @CriContainer on that pod, or drop image/config here to refer to an existing container");
      }
    }
    PodBackend backend = PodStores.backend(ctx);
    Map<PodDecl, NodeGroup> nodeGroups = new LinkedHashMap<>();
    for (PodDecl d : decls) {
      nodeGroups.put(d, nodeGroupFor(ctx, d));
    }
    Map<PodDecl, PodPlan> plans = new LinkedHashMap<>();
    Map<PodDecl, PodSpec> specs = new LinkedHashMap<>();
    for (PodDecl d : decls) {
      List<ContainerSpec> all = new ArrayList<>(d.spec().containers());
      all.addAll(extra.get(d));
      PodSpec spec = d.spec().withContainers(all);
      specs.put(d, spec);
      plans.put(d, backend.plan(spec));
    }
    PodScope scope = PodStores.scope(ctx);
    Map<PodDecl, PodHandle> out = new LinkedHashMap<>();
    for (Map.Entry<PodDecl, PodPlan> e : pinnedApartFirst(plans)) {
      PodDecl d = e.getKey();
      PodPlan plan = e.getValue();
      PodHandle pod;
      if (d.scope() == PodSandbox.Scope.SUITE) {
        PodScope suite = PodStores.scope(ctx.getRoot());
        boolean[] created = {false};
        pod = suite.shared("suite:" + plan.podName(), () -> {
          created[0] = true;
          return backend.create(plan, Map.of());
        });
        scope.alias(pod, d.key());
        if (created[0]) {
          report(ctx, pod);
        }
      } else {
        NodeGroup nodes = nodeGroups.get(d);
        if (nodes != null) {
          pod = nodes.create(d.element().getAnnotation(PodSandbox.class).node(), plan.origin(), plan, testLabels(ctx));
        } else if (d.element() instanceof Field f && !Modifier.isStatic(f.getModifiers()) && PreparedPods.enabled(ctx)) {
          ExtensionContext classCtx = Teardowns.classOf(ctx);
          pod = PodStores.prepared(ctx).create(ctx, new PreparedPods.Key(classCtx.getUniqueId(), f.getDeclaringClass(),
              f.getName()), specs.get(d), plan, backend, testLabels(ctx), testLabels(classCtx));
        } else {
          pod = backend.create(plan, testLabels(ctx));
        }
        scope.own(pod, d.key());
        report(ctx, pod);
      }
      out.put(d, pod);
    }
    return out;
  }

  /**
   * Creation order: pods kept apart that are pinned to a node come first, so a scheduler places the group's
   * unpinned pods around them (an unpinned pod made first might take a node a pinned one needs).
   */
  private static List<Map.Entry<PodDecl, PodPlan>> pinnedApartFirst(Map<PodDecl, PodPlan> plans) {
    List<Map.Entry<PodDecl, PodPlan>> out = new ArrayList<>(plans.entrySet());
    out.sort(java.util.Comparator.comparing(e -> {
      PodSandbox ps = e.getKey().element().getAnnotation(PodSandbox.class);
      return ps == null || ps.apart().isEmpty() || ps.node().isEmpty();
    }));
    return out;
  }

  /** Which test a pod belongs to, as label values (test names may hold anything: quotes, newlines, 300 chars). */
  static Map<String, String> testLabels(ExtensionContext ctx) {
    Map<String, String> labels = new LinkedHashMap<>();
    ctx.getTestClass().ifPresent(c -> labels.put(PodgateLabels.TEST_CLASS, K8sNames.labelValue(c.getSimpleName())));
    if (ctx.getTestMethod().isPresent()) {
      String method = ctx.getTestMethod().get().getName();
      String display = ctx.getDisplayName();
      labels.put(PodgateLabels.TEST, K8sNames.labelValue(display.startsWith(method) ? display : method + "-" + display));
    }
    return labels;
  }

  /** The nodes the declaration's {@code node = ...} names (started by the declaring class), or null for none. */
  private static NodeGroup nodeGroupFor(ExtensionContext ctx, PodDecl d) {
    PodSandbox ps = d.element().getAnnotation(PodSandbox.class);
    if (ps == null || ps.node().isEmpty()) {
      return null;
    }
    String origin = d.spec().origin();
    Class<?> type = ctx.getRequiredTestClass();
    Class<?> declaring = NodeDeclarations.declaring(type);
    NodeDeclarations.check(origin, ps, type, declaring, NodeDeclarations.declaredNames(declaring));
    for (Optional<ExtensionContext> c = Optional.of(ctx); c.isPresent(); c = c.get().getParent()) {
      if (c.get().getTestClass().orElse(null) == declaring && c.get().getTestMethod().isEmpty()) {
        NodeGroup nodes = PodLifecycleExtension.nodes(c.get());
        if (nodes != null) {
          return nodes;
        }
      }
    }
    throw new PodSpecException(origin, "the nodes of @PodgateNodes on " + declaring.getSimpleName()
        + " are not running here (they live from that class's beforeAll to its afterAll)");
  }

  private static void report(ExtensionContext ctx, PodHandle pod) {
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
      if (pod.timings().ahead()) {
        entry.put("podgate.pod.aheadMs", Long.toString(pod.timings().aheadMs())); // its sandbox was started ahead
      }
    }
    if (pod.privileged()) {
      entry.put("podgate.pod.privileged", "true"); // asked for by the test: shown so it is never silent
    }
    entry.put("podgate.pod.hostNamespaces", String.join(",", pod.hostNamespaces()));
    entry.values().removeIf(String::isBlank); // JUnit refuses blank values (e.g. a pod without containers)
    ctx.publishReportEntry(entry);
  }
}
