package io.podgate.kubernetes.internal.backend;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.podgate.internal.backend.BackendLease;
import io.podgate.internal.backend.PodBackend;
import io.podgate.internal.backend.PodBackendProvider;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Backend {@code kubernetes}: an existing cluster, found as kubectl finds it (system property
 * {@value KubeClients#KUBECONFIG_PROPERTY}, else {@code KUBECONFIG}, else {@code ~/.kube/config}; context
 * {@value KubeClients#CONTEXT_PROPERTY}, else the current one). A {@link KubeSessionGuard} has podgate's watchdog
 * delete the session's namespaces when this JVM is killed. Registered in META-INF/services.
 */
public final class KubernetesBackendProvider implements PodBackendProvider {
  @Override
  public Set<String> names() {
    return Set.of("kubernetes");
  }

  @Override
  public BackendLease acquire(String name) {
    KubeClients.Source source = KubeClients.source(System::getProperty, System::getenv);
    Optional<String> context = Optional.ofNullable(System.getProperty(KubeClients.CONTEXT_PROPERTY))
        .filter(s -> !s.isBlank()).map(String::strip);
    KubernetesClient client = KubeClients.open(source, context);
    String sessionId = newSessionId();
    KubernetesPodBackend backend;
    KubeSessionGuard guard;
    try {
      guard = KubeSessionGuard.start(sessionId, source.file(), context);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
    try {
      backend = new KubernetesPodBackend(client, sessionId, "Kubernetes " + client.getKubernetesVersion().getGitVersion()
          + " at " + client.getMasterUrl() + " (kubeconfig " + source.file() + context.map(c -> ", context " + c).orElse("")
          + ")", new NodeImages(client), Boolean.getBoolean(KubernetesPodBackend.HOST_PATH_PROPERTY), false, null, Map.of());
    } catch (RuntimeException e) {
      guard.close();
      client.close();
      throw e;
    }
    return new BackendLease() {
      @Override
      public PodBackend backend() {
        return backend;
      }

      @Override
      public void close() {
        try {
          backend.close();
          guard.close();
        } finally {
          client.close(); // when backend.close() failed, the watchdog deletes the namespace once this JVM ends
        }
      }
    };
  }

  static String newSessionId() {
    byte[] b = new byte[5];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
