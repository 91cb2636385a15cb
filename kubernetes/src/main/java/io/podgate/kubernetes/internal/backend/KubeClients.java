package io.podgate.kubernetes.internal.backend;

import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.podgate.PodgateException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Opens a fabric8 client as kubectl finds its cluster, and turns API failures into messages that say what to fix. */
final class KubeClients {
  static final String KUBECONFIG_PROPERTY = "podgate.kubernetes.kubeconfig";
  static final String CONTEXT_PROPERTY = "podgate.kubernetes.context";

  private KubeClients() {}

  /** Where the kubeconfig comes from: the property, else KUBECONFIG (its first file), else ~/.kube/config. */
  record Source(Path file, String from) {}

  static Source source(UnaryOperator<String> properties, UnaryOperator<String> env) {
    String p = properties.apply(KUBECONFIG_PROPERTY);
    if (p != null && !p.isBlank()) {
      return new Source(Path.of(p.strip()), "system property " + KUBECONFIG_PROPERTY);
    }
    String e = env.apply("KUBECONFIG");
    if (e != null && !e.isBlank()) {
      return new Source(Path.of(e.split(File.pathSeparator)[0]), "environment variable KUBECONFIG");
    }
    return new Source(Path.of(properties.apply("user.home"), ".kube", "config"), "the default ~/.kube/config");
  }

  /** A client for {@code kubeconfig} and {@code context} (empty: its current context), checked by one API call. */
  static KubernetesClient open(Source kubeconfig, Optional<String> context) {
    if (!Files.isReadable(kubeconfig.file())) {
      throw new PodgateException("the kubernetes backend found no kubeconfig at " + kubeconfig.file() + " (from "
          + kubeconfig.from() + "); set system property " + KUBECONFIG_PROPERTY + " or KUBECONFIG to a readable"
          + " kubeconfig, or use podgate.backend = local-cluster");
    }
    Config config;
    try {
      List<String> contexts = Config.fromKubeconfig(null, kubeconfig.file().toFile()).getContexts().stream()
          .map(NamedContext::getName).toList();
      if (context.isPresent() && !contexts.contains(context.get())) {
        throw new PodgateException("context \"" + context.get() + "\" (system property " + CONTEXT_PROPERTY
            + ") is not in kubeconfig " + kubeconfig.file() + "; its contexts: " + contexts
            + ". Fix " + CONTEXT_PROPERTY + " or leave it unset for the current context");
      }
      config = Config.fromKubeconfig(context.orElse(null), kubeconfig.file().toFile());
    } catch (PodgateException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new PodgateException("kubeconfig " + kubeconfig.file() + " (from " + kubeconfig.from() + ") cannot be read: "
          + e.getMessage(), e);
    }
    config.setConnectionTimeout(5_000);
    config.setRequestTimeout(30_000);
    config.setRequestRetryBackoffLimit(1); // an unreachable server is said within seconds, not after ten retries
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
    try {
      client.getKubernetesVersion();
    } catch (RuntimeException e) {
      client.close();
      throw new PodgateException("the Kubernetes API server " + config.getMasterUrl() + " (kubeconfig " + kubeconfig.file()
          + ", context " + context.orElse(config.getCurrentContext() == null ? "(none)" : config.getCurrentContext().getName())
          + ") is not reachable: " + rootMessage(e) + ". Start the cluster, or point " + KUBECONFIG_PROPERTY + " / "
          + CONTEXT_PROPERTY + " at one that runs", e);
    }
    return client;
  }

  /** A message for a failed API call: RBAC refusals say which verb on which resource to grant. */
  static PodgateException failure(String doing, RuntimeException e) {
    if (e instanceof KubernetesClientException k && k.getCode() == 403 && message(k).contains("exceeded quota")) {
      return new PodgateException(doing + " was refused by a ResourceQuota: " + message(k) + ". Raise the quota, or"
          + " declare fewer or smaller pods (memoryLimit)", e);
    }
    if (e instanceof KubernetesClientException k && k.getCode() == 403) {
      return new PodgateException(doing + " was forbidden by the cluster's RBAC: " + message(k) + ". Grant the kubeconfig's"
          + " user that permission (podgate needs to create, get, list, watch and delete namespaces, pods, pods/exec,"
          + " pods/log, pods/portforward and coordination.k8s.io leases, and to list nodes and events)", e);
    }
    if (e instanceof KubernetesClientException k && k.getCode() == 0) {
      return new PodgateException(doing + " failed: the API server did not answer (" + rootMessage(e) + ")", e);
    }
    return new PodgateException(doing + " failed: " + (e instanceof KubernetesClientException k ? message(k) : e.getMessage()), e);
  }

  static String message(KubernetesClientException k) {
    return k.getStatus() != null && k.getStatus().getMessage() != null ? k.getStatus().getMessage() : k.getMessage();
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t.getClass().getSimpleName() + ": " + t.getMessage() + ")";
  }
}
