package io.podgate.kubernetes.internal.backend;

import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.podgate.internal.cri.v1.AuthConfig;
import io.podgate.internal.host.PodgateLabels;
import io.podgate.internal.pod.RegistryAuth;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Registry credentials of the {@code podgate.registry.<host>.*} properties ({@link RegistryAuth}) as image pull
 * secrets ({@code kubernetes.io/dockerconfigjson}) in the session's namespace, one per registry host, made when a
 * pod first pulls from that host. No message or log line holds the password.
 */
final class PullSecrets {
  static final String TYPE = "kubernetes.io/dockerconfigjson";

  private final KubernetesClient client;
  private final String sessionId;
  private final Set<String> made = new HashSet<>();

  PullSecrets(KubernetesClient client, String sessionId) {
    this.client = client;
    this.sessionId = sessionId;
  }

  /** The secret name for registry {@code host}: {@code podgate-registry-<host with . and : as ->}. */
  static String name(String host) {
    return "podgate-registry-" + host.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("-+$", "");
  }

  /**
   * The pull secrets pods pulling {@code references} (normalized, to be pulled by the kubelet) need in namespace
   * {@code ns}; each secret is created on first need.
   *
   * @throws io.podgate.PodgateException when a credential source is misconfigured or the secret cannot be made
   */
  synchronized List<LocalObjectReference> ensure(String ns, List<String> references) {
    List<LocalObjectReference> refs = new ArrayList<>();
    for (String reference : references) {
      String host = RegistryAuth.host(reference);
      Optional<AuthConfig> auth = RegistryAuth.forImage(reference);
      if (auth.isEmpty()) {
        continue;
      }
      String name = name(host);
      if (refs.stream().noneMatch(r -> r.getName().equals(name))) {
        refs.add(new LocalObjectReference(name));
      }
      if (made.contains(ns + "/" + name)) {
        continue;
      }
      try {
        client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName(name)
            .addToLabels(PodgateLabels.SESSION, sessionId).endMetadata().withType(TYPE)
            .addToData(".dockerconfigjson", base64(dockerConfigJson(host, auth.get()))).build()).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) { // 409: made by a parallel test of this session
          throw KubeClients.failure("creating image pull secret " + name + " for registry " + host + " ("
              + RegistryAuth.describe(host) + ") in namespace " + ns, e);
        }
      }
      made.add(ns + "/" + name);
    }
    return refs;
  }

  /** {@code {"auths":{"<host>":{"username":..,"password":..,"auth":base64(user:password)}}}}, as kubectl writes it. */
  static String dockerConfigJson(String host, AuthConfig auth) {
    return "{\"auths\":{" + json(host) + ":{\"username\":" + json(auth.getUsername()) + ",\"password\":"
        + json(auth.getPassword()) + ",\"auth\":" + json(base64(auth.getUsername() + ":" + auth.getPassword())) + "}}}";
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String json(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
