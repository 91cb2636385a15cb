package io.podgate.internal.junit;

import io.podgate.PodSandbox;
import io.podgate.internal.host.PodgateLabels;
import io.podgate.internal.pod.K8sNames;
import io.podgate.internal.pod.PodSpecException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks {@code @PodSandbox(apart = ...)} of a test class before anything is created: the group is a label
 * value, not on a SUITE pod, and no two pods of a group that exist together (fields of the class, its
 * superclasses and the classes it is nested in, plus the parameters of one method) would share a node. On a
 * backend without a scheduler, pods without {@code node =} share the default runtime, so they conflict too.
 */
final class ApartDeclarations {
  private ApartDeclarations() {}

  /** One pod of a group: where it was declared and its {@code node =} (empty: not pinned). */
  record Member(String origin, String group, String node) {}

  /**
   * @param scheduled whether the backend places pods without {@code node =} itself (a cluster scheduler), so
   *     only pods pinned to the same node conflict
   */
  static void check(Class<?> type, boolean scheduled) {
    List<Member> together = new ArrayList<>();
    for (Class<?> c = type; c != null; c = inner(c) ? c.getEnclosingClass() : null) {
      for (Field f : Declarations.fields(c, f -> f.isAnnotationPresent(PodSandbox.class))) {
        add(together, Declarations.origin(PodSandbox.class, f), f.getAnnotation(PodSandbox.class));
      }
    }
    conflicts(together, scheduled);
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Method m : c.getDeclaredMethods()) {
        List<Member> withParams = new ArrayList<>(together);
        for (Parameter p : m.getParameters()) {
          if (p.isAnnotationPresent(PodSandbox.class)) {
            add(withParams, Declarations.origin(PodSandbox.class, p), p.getAnnotation(PodSandbox.class));
          }
        }
        if (withParams.size() > together.size()) {
          conflicts(withParams, scheduled);
        }
      }
    }
  }

  /** The group of {@code ps} after checking it; empty for none. */
  static String group(String origin, PodSandbox ps) {
    String group = ps.apart();
    if (group.isEmpty()) {
      return group;
    }
    if (!K8sNames.isLabelValue(group)) {
      throw new PodSpecException(origin, "apart = \"" + group + "\" is not a group name (it becomes the value of label "
          + PodgateLabels.APART + ": at most 63 letters, digits, '-', '_', '.', starting and ending alphanumeric)");
    }
    if (ps.scope() == PodSandbox.Scope.SUITE) {
      throw new PodSpecException(origin, "apart = \"" + group + "\" with scope = SUITE: a suite pod outlives the pods"
          + " of any one class it would be kept apart from; drop one of the two");
    }
    return group;
  }

  static void conflicts(List<Member> members, boolean scheduled) {
    Map<String, Member> seen = new LinkedHashMap<>();
    for (Member m : members) {
      if (m.node().isEmpty() && scheduled) {
        continue;
      }
      Member other = seen.putIfAbsent(m.group() + "\n" + m.node(), m);
      if (other == null) {
        continue;
      }
      if (m.node().isEmpty()) {
        throw new PodSpecException(m.origin(), "apart = \"" + m.group() + "\" like " + other.origin()
            + ", but neither has node =, so both would run on the backend's one default runtime (no scheduler"
            + " places them on the embedded and cri backends). Pin them to distinct nodes of @PodgateNodes with"
            + " node = \"...\" (one may stay on the default runtime), or run on a cluster (podgate.backend ="
            + " local-cluster or kubernetes)");
      }
      throw new PodSpecException(m.origin(), "apart = \"" + m.group() + "\" like " + other.origin() + ", but both have"
          + " node = \"" + m.node() + "\"; pods kept apart need distinct nodes: pin one to another node, or drop apart");
    }
  }

  private static void add(List<Member> out, String origin, PodSandbox ps) {
    String group = group(origin, ps);
    if (!group.isEmpty()) {
      out.add(new Member(origin, group, ps.node()));
    }
  }

  private static boolean inner(Class<?> c) {
    return c.getEnclosingClass() != null && !Modifier.isStatic(c.getModifiers());
  }
}
