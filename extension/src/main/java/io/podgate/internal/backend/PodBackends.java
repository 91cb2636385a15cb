package io.podgate.internal.backend;

import io.podgate.PodgateException;
import io.podgate.internal.runtime.CriEndpoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.UnaryOperator;

/**
 * Picks the pod backend named by system property {@value #PROPERTY}: {@code embedded} (a private
 * containerd; the default), {@code cri} (an existing CRI endpoint; the default when
 * {@code podgate.cri.endpoint} is set), {@code kubernetes} (a cluster from a kubeconfig) or
 * {@code local-cluster} (a Kubernetes cluster podgate starts on this machine). The last two come with
 * the optional jar {@code io.podgate:podgate-kubernetes}.
 */
public final class PodBackends {
  /** System property naming the backend. */
  public static final String PROPERTY = "podgate.backend";
  /** Every backend name podgate knows, with the artifact that provides it. */
  public static final Map<String, String> KNOWN = knownBackends();

  private PodBackends() {}

  private static Map<String, String> knownBackends() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("embedded", "io.podgate:podgate-extension");
    m.put("cri", "io.podgate:podgate-extension");
    m.put("kubernetes", "io.podgate:podgate-kubernetes");
    m.put("local-cluster", "io.podgate:podgate-kubernetes");
    return java.util.Collections.unmodifiableMap(m);
  }

  /** A lease on this JVM's backend; throws a PodgateException when the chosen backend is unknown, absent or cannot start. */
  public static BackendLease acquire() {
    String name = chosen(System::getProperty, System::getenv);
    List<PodBackendProvider> providers = new ArrayList<>();
    ServiceLoader.load(PodBackendProvider.class, PodBackends.class.getClassLoader()).forEach(providers::add);
    return provider(name, providers).acquire(name);
  }

  /** The backend this JVM's properties and environment choose. */
  public static String chosenName() {
    return chosen(System::getProperty, System::getenv);
  }

  /** The backend name: the property, else {@code cri} when a CRI endpoint is configured, else {@code embedded}. */
  static String chosen(UnaryOperator<String> properties, UnaryOperator<String> env) {
    String value = properties.apply(PROPERTY);
    if (value != null && !value.isBlank()) {
      return value.strip();
    }
    boolean endpoint = !isBlank(properties.apply(CriEndpoint.PROPERTY)) || !isBlank(env.apply(CriEndpoint.ENV));
    return endpoint ? "cri" : "embedded";
  }

  /** The provider serving {@code name}; fails naming the known backends, or the jar to add. */
  static PodBackendProvider provider(String name, List<PodBackendProvider> providers) {
    for (PodBackendProvider p : providers) {
      if (p.names().contains(name)) {
        return p;
      }
    }
    String artifact = KNOWN.get(name);
    if (artifact == null) {
      throw new PodgateException("system property " + PROPERTY + " = \"" + name + "\" names no podgate backend; known: "
          + String.join(", ", KNOWN.keySet()) + " (kubernetes and local-cluster need io.podgate:podgate-kubernetes"
          + " on the test class path)");
    }
    List<String> present = providers.stream().flatMap(p -> p.names().stream()).toList();
    throw new PodgateException("podgate backend \"" + name + "\" (system property " + PROPERTY + ") is not on the class"
        + " path: add " + artifact + " (same version as podgate-extension) as a test dependency. Backends on the class"
        + " path: " + present + "; META-INF/services/" + PodBackendProvider.class.getName());
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
