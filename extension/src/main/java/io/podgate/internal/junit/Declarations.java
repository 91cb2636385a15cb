package io.podgate.internal.junit;

import io.podgate.CriContainers;
import io.podgate.Container;
import io.podgate.CriContainer;
import io.podgate.HostPort;
import io.podgate.Mount;
import io.podgate.Pod;
import io.podgate.PodIp;
import io.podgate.PodSandbox;
import io.podgate.PortMapping;
import io.podgate.Wait;
import io.podgate.internal.host.PodgateLabels;
import io.podgate.internal.pod.ConfigRef;
import io.podgate.internal.pod.ContainerSpec;
import io.podgate.internal.pod.PodSpec;
import io.podgate.internal.pod.PodSpecException;
import io.podgate.internal.pod.SpecValidator;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/** Reads podgate annotations off fields and parameters into JUnit-free specs. */
final class Declarations {
  private Declarations() {}

  /** A pod declared on a field or parameter. {@code key} is the field or parameter name. */
  record PodDecl(String key, PodSpec spec, PodSandbox.Scope scope, AnnotatedElement element) {
    boolean answersTo(String name) {
      return key.equals(name) || spec.name().equals(name);
    }
  }

  /** A {@link Container} field or parameter with {@code @CriContainer(pod = ...)}. */
  record ContainerRef(String origin, String pod, String name, CriContainer annotation, boolean declaresContainer) {}

  /** Fields of {@code type} and its superclasses, superclass fields first. */
  static List<Field> fields(Class<?> type, Predicate<Field> filter) {
    return ReflectionSupport.findFields(type, filter, HierarchyTraversalMode.TOP_DOWN);
  }

  static boolean isStatic(Field f) {
    return Modifier.isStatic(f.getModifiers());
  }

  static String origin(Class<?> annotation, Field f) {
    return "@" + annotation.getSimpleName() + " on field " + f.getDeclaringClass().getSimpleName() + "." + f.getName();
  }

  static String origin(Class<?> annotation, Parameter p) {
    var exec = p.getDeclaringExecutable();
    return "@" + annotation.getSimpleName() + " on parameter '" + p.getName() + "' of "
        + exec.getDeclaringClass().getSimpleName() + "." + exec.getName() + "()";
  }

  /** Pod declarations among {@code fields} and the {@link Container} fields that add containers to them. */
  static List<PodDecl> pods(List<Field> fields, ClassLoader loader) {
    List<PodDecl> pods = new ArrayList<>();
    for (Field f : fields) {
      PodSandbox ps = f.getAnnotation(PodSandbox.class);
      if (ps == null) {
        continue;
      }
      String origin = origin(PodSandbox.class, f);
      if (f.getType() != Pod.class) {
        throw new PodSpecException(origin, "the field must be of type io.podgate.Pod, not " + f.getType().getName());
      }
      pods.add(new PodDecl(f.getName(), pod(origin, f.getName(), ps, containersOn(origin, f, loader), loader), ps.scope(), f));
    }
    return pods;
  }

  static PodDecl pod(Parameter p, ClassLoader loader) {
    PodSandbox ps = p.getAnnotation(PodSandbox.class);
    String origin = origin(PodSandbox.class, p);
    if (p.getType() != Pod.class) {
      throw new PodSpecException(origin, "the parameter must be of type io.podgate.Pod, not " + p.getType().getName());
    }
    return new PodDecl(p.getName(), pod(origin, p.getName(), ps, containersOn(origin, p, loader), loader), ps.scope(), p);
  }

  private static List<ContainerSpec> containersOn(String podOrigin, AnnotatedElement e, ClassLoader loader) {
    List<ContainerSpec> out = new ArrayList<>();
    CriContainer[] all = e.getAnnotationsByType(CriContainer.class);
    for (int i = 0; i < all.length; i++) {
      CriContainer c = all[i];
      String origin = "@CriContainer" + (all.length > 1 ? "[" + i + "]" : "")
          + (c.name().isEmpty() ? "" : "(name = \"" + c.name() + "\")") + " of " + podOrigin;
      if (!c.pod().isEmpty()) {
        throw new PodSpecException(origin, "pod = \"" + c.pod() + "\" is only for @CriContainer on Container fields; here the container belongs to this pod already");
      }
      out.add(container(origin, "", c, loader));
    }
    return out;
  }

  static PodSpec pod(String origin, String key, PodSandbox a, List<ContainerSpec> containers, ClassLoader loader) {
    List<PodSpec.PortSpec> ports = new ArrayList<>();
    for (PortMapping p : a.ports()) {
      ports.add(new PodSpec.PortSpec(p.containerPort(), p.hostPort(), p.hostIp(), PodSpec.Protocol.valueOf(p.protocol().name())));
    }
    Map<String, String> labels = SpecValidator.pairs(origin, "labels", a.labels());
    if (labels.containsKey(PodgateLabels.APART)) {
      throw new PodSpecException(origin, "labels: " + PodgateLabels.APART + " is podgate's; set apart = \""
          + labels.get(PodgateLabels.APART) + "\" instead");
    }
    String group = ApartDeclarations.group(origin, a);
    if (!group.isEmpty()) {
      labels.put(PodgateLabels.APART, group);
    }
    return new PodSpec(origin, a.name(), key, a.namespace(),
        labels, SpecValidator.pairs(origin, "annotations", a.annotations()),
        a.hostname(), a.logDirectory(), List.of(a.dnsServers()), List.of(a.dnsSearches()), List.of(a.dnsOptions()),
        ports, config(a.config(), loader), containers, a.shareProcessNamespace());
  }

  static ContainerSpec container(String origin, String fieldName, CriContainer c, ClassLoader loader) {
    Wait w = c.waitFor();
    String fallback = !fieldName.isEmpty() ? fieldName : imageName(c.image());
    List<ContainerSpec.MountSpec> mounts = new ArrayList<>();
    for (Mount m : c.mounts()) {
      mounts.add(new ContainerSpec.MountSpec(m.hostPath(), m.containerPath(), m.readOnly()));
    }
    return new ContainerSpec(origin, c.name(), fallback, c.image(), List.of(c.command()), List.of(c.args()),
        SpecValidator.pairs(origin, "env", c.env()), c.workingDir(), mounts, c.privileged(), c.memoryLimit(),
        config(c.config(), loader),
        new ContainerSpec.WaitSpec(w.tcpPort(), w.httpPath(), w.httpPort(), w.httpStatus(), w.logRegex(),
            List.of(w.exec()), Duration.ofSeconds(w.timeoutSeconds())));
  }

  /** {@code podgate:nginx} → nginx, {@code registry/x/redis:7} → redis, {@code oci-archive:/a/b.tar} → b. */
  static String imageName(String image) {
    String s = image.trim();
    if (s.startsWith("podgate:")) {
      return s.substring("podgate:".length());
    }
    if (s.startsWith("oci-archive:")) {
      s = s.substring("oci-archive:".length());
      s = s.substring(s.lastIndexOf('/') + 1);
      int dot = s.indexOf('.');
      return sanitize(dot > 0 ? s.substring(0, dot) : s);
    }
    int at = s.indexOf('@');
    if (at >= 0) {
      s = s.substring(0, at);
    }
    s = s.substring(s.lastIndexOf('/') + 1);
    int colon = s.indexOf(':');
    return sanitize(colon >= 0 ? s.substring(0, colon) : s);
  }

  private static String sanitize(String s) {
    String out = s.toLowerCase().replaceAll("[^a-z0-9-]", "-").replaceAll("^-+|-+$", "");
    return out.isEmpty() ? "container" : out;
  }

  static ConfigRef config(String location, ClassLoader loader) {
    return location.isEmpty() ? ConfigRef.NONE : new ConfigRef(location, loader);
  }

  /** Container fields among {@code fields}: each names its pod. */
  static List<ContainerRef> containerRefs(List<Field> fields) {
    List<ContainerRef> out = new ArrayList<>();
    for (Field f : fields) {
      if (f.getType() != Container.class || f.isAnnotationPresent(PodSandbox.class)) {
        continue;
      }
      CriContainer[] cs = f.getAnnotationsByType(CriContainer.class);
      if (cs.length == 0) {
        continue;
      }
      out.add(ref(origin(CriContainer.class, f), f.getName(), cs));
    }
    return out;
  }

  static ContainerRef ref(String origin, String elementName, CriContainer[] cs) {
    if (cs.length > 1) {
      throw new PodSpecException(origin, "a Container field or parameter takes one @CriContainer, found " + cs.length);
    }
    CriContainer c = cs[0];
    if (c.pod().isEmpty()) {
      throw new PodSpecException(origin, "pod is empty; name the @PodSandbox this container belongs to, e.g. pod = \"web\"");
    }
    String name = !c.name().isEmpty() ? c.name() : elementName;
    boolean declares = !c.image().isEmpty() || !c.config().isEmpty();
    return new ContainerRef(origin, c.pod(), name, c, declares);
  }

  static List<Field> injectable(Class<?> type, boolean statics) {
    return fields(type, f -> isStatic(f) == statics
        && (f.isAnnotationPresent(PodSandbox.class) || f.isAnnotationPresent(CriContainer.class)
            || f.isAnnotationPresent(io.podgate.CriContainers.class)
            || f.isAnnotationPresent(PodIp.class) || f.isAnnotationPresent(HostPort.class)));
  }

  static String names(List<PodDecl> pods) {
    return Arrays.toString(pods.stream().map(PodDecl::key).toArray());
  }

  static Map<String, String> none() {
    return Map.of();
  }
}
