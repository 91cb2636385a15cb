package io.podgate.internal.junit;

import io.podgate.Container;
import io.podgate.CriContainer;
import io.podgate.HostPort;
import io.podgate.PodIp;
import io.podgate.PodSandbox;
import io.podgate.internal.backend.PodHandle;
import io.podgate.internal.junit.Declarations.ContainerRef;
import io.podgate.internal.junit.Declarations.PodDecl;
import io.podgate.internal.pod.PodSpec;
import io.podgate.internal.pod.PodSpecException;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Sets podgate fields and computes the values of {@link PodIp}, {@link HostPort} and Container elements. */
final class Injection {
  private Injection() {}

  /** Sets {@code fields} of {@code instance} (null for static fields); {@code pods} holds the pods made for them. */
  static void inject(ExtensionContext ctx, Object instance, List<Field> fields, Map<PodDecl, PodHandle> pods) {
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

  static Class<?> annotationOf(AnnotatedElement e) {
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
  static Object valueFor(ExtensionContext ctx, AnnotatedElement e, Class<?> type, String elementName, String origin) {
    PodIp ip = e.getAnnotation(PodIp.class);
    if (ip != null) {
      PodHandle pod = required(ctx, ip.value(), origin);
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
      PodHandle pod = required(ctx, hp.pod(), origin);
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
      PodHandle pod = required(ctx, ref.pod(), origin);
      try {
        return pod.container(ref.name());
      } catch (RuntimeException ex) {
        throw new PodSpecException(origin, ex.getMessage(), ex);
      }
    }
    throw new PodSpecException(origin, "nothing for podgate to inject");
  }

  private static PodHandle required(ExtensionContext ctx, String name, String origin) {
    PodHandle pod = PodStores.find(ctx, name);
    if (pod == null) {
      throw new PodSpecException(origin, "no pod named \"" + name + "\" exists here; known pods: "
          + PodStores.visibleNames(ctx) + ". Declare it with @PodSandbox or fix the name");
    }
    return pod;
  }
}
