package io.podgate.internal.junit;

import io.podgate.PodSandbox;
import io.podgate.PodgateNode;
import io.podgate.PodgateNodes;
import io.podgate.internal.backend.NodesSpec;
import io.podgate.internal.pod.PodSpecException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Arrays;
import java.util.List;

/**
 * Reads {@link PodgateNodes} and checks every {@code @PodSandbox(node = ...)} against it; the nodes
 * themselves are started by the backend ({@link io.podgate.internal.backend.PodBackend#startNodes}).
 */
final class NodeDeclarations {
  private NodeDeclarations() {}

  /** The class carrying the {@link PodgateNodes} in effect for {@code type} (itself or an enclosing class), or null. */
  static Class<?> declaring(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
      if (c.isAnnotationPresent(PodgateNodes.class)) {
        return c;
      }
    }
    return null;
  }

  static List<String> declaredNames(Class<?> declaring) {
    return declaring == null ? List.of()
        : Arrays.stream(declaring.getAnnotation(PodgateNodes.class).value()).map(PodgateNode::name).toList();
  }

  /**
   * Checks every {@code @PodSandbox(node = ...)} of {@code type} (static and instance fields, method
   * parameters) against the declared nodes; creates nothing.
   */
  static void checkNodeNames(Class<?> type) {
    Class<?> declaring = declaring(type);
    List<String> names = declaredNames(declaring);
    for (Field f : Declarations.fields(type, f -> f.isAnnotationPresent(PodSandbox.class))) {
      check(Declarations.origin(PodSandbox.class, f), f.getAnnotation(PodSandbox.class), type, declaring, names);
    }
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Method m : c.getDeclaredMethods()) {
        for (Parameter p : m.getParameters()) {
          if (p.isAnnotationPresent(PodSandbox.class)) {
            check(Declarations.origin(PodSandbox.class, p), p.getAnnotation(PodSandbox.class), type, declaring, names);
          }
        }
      }
    }
  }

  static void check(String origin, PodSandbox ps, Class<?> type, Class<?> declaring, List<String> names) {
    String node = ps.node();
    if (node.isEmpty()) {
      return;
    }
    if (ps.scope() == PodSandbox.Scope.SUITE) {
      throw new PodSpecException(origin, "node = \"" + node + "\" with scope = SUITE: node pods live only as long as "
          + "the class that declares the nodes; drop one of the two");
    }
    if (declaring == null) {
      throw new PodSpecException(origin, "node = \"" + node + "\" but " + type.getSimpleName()
          + " (and its enclosing classes) declare no @PodgateNodes; add @PodgateNodes({@PodgateNode(name = \"" + node
          + "\", podSubnet = ...)}) to the class or drop node");
    }
    if (!names.contains(node)) {
      throw new PodSpecException(origin, "node = \"" + node + "\" is not a node of @PodgateNodes on "
          + declaring.getSimpleName() + "; declared nodes: " + names + ". Fix the name or declare @PodgateNode(name = \""
          + node + "\", ...)");
    }
  }

  /** The nodes {@code declaring} asks for, as the backend takes them. */
  static NodesSpec spec(Class<?> declaring) {
    PodgateNodes a = declaring.getAnnotation(PodgateNodes.class);
    List<NodesSpec.Node> nodes = Arrays.stream(a.value())
        .map(n -> new NodesSpec.Node(n.name(), n.podSubnet(), n.address(), n.endpoint())).toList();
    return new NodesSpec("@PodgateNodes on " + declaring.getSimpleName(), declaring.getSimpleName(), a.switchBridge(),
        a.switchSubnet(), a.netnsPrefix(), a.linkPrefix(), nodes);
  }
}
