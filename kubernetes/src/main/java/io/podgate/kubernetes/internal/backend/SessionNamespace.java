package io.podgate.kubernetes.internal.backend;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.podgate.internal.host.PodgateLabels;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The session's namespace on the cluster, created on first use, holding a Lease {@value #LEASE} the
 * session renews every {@link #RENEW}. A namespace of podgate whose Lease was not renewed for three
 * lease durations belongs to a session that died; {@link #sweepStale} deletes it.
 */
final class SessionNamespace implements AutoCloseable {
  static final String LEASE = "podgate-session";
  static final Duration RENEW = Duration.ofSeconds(10);
  static final int LEASE_SECONDS = 10;
  static final String MANAGED_BY = "app.kubernetes.io/managed-by";

  private final KubernetesClient client;
  private final String sessionId;
  private final String name;
  private final String holder;
  private ScheduledExecutorService renewer;
  private volatile String renewProblem;
  private boolean created;

  SessionNamespace(KubernetesClient client, String sessionId) {
    this.client = client;
    this.sessionId = sessionId;
    this.name = "podgate-" + sessionId;
    this.holder = hostName() + "/" + ProcessHandle.current().pid();
  }

  String name() {
    return name;
  }

  /** The namespace, created with its Lease on the first call. */
  synchronized String ensure() {
    if (created) {
      return name;
    }
    Namespace ns = new NamespaceBuilder().withNewMetadata().withName(name)
        .addToLabels(PodgateLabels.SESSION, sessionId)
        .addToLabels(PodgateLabels.OWNER_PID, Long.toString(ProcessHandle.current().pid()))
        .addToLabels(MANAGED_BY, "podgate").endMetadata().build();
    try {
      client.namespaces().resource(ns).create();
    } catch (RuntimeException e) {
      throw KubeClients.failure("creating namespace " + name, e);
    }
    created = true;
    try {
      // Until the controller-manager made it, the ServiceAccount admission plugin refuses pods.
      client.serviceAccounts().inNamespace(name).withName("default")
          .waitUntilCondition(java.util.Objects::nonNull, 30, TimeUnit.SECONDS);
    } catch (RuntimeException noServiceAccount) {
      // a cluster without that controller or plugin: pods go ahead, and say so if they are refused
    }
    try {
      client.leases().inNamespace(name).resource(new LeaseBuilder().withNewMetadata().withName(LEASE)
          .addToLabels(PodgateLabels.SESSION, sessionId).endMetadata()
          .withNewSpec().withHolderIdentity(holder).withLeaseDurationSeconds(LEASE_SECONDS)
          .withAcquireTime(now()).withRenewTime(now()).endSpec().build()).create();
    } catch (RuntimeException e) {
      throw KubeClients.failure("creating Lease " + LEASE + " in namespace " + name, e);
    }
    renewer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "podgate-lease-" + sessionId);
      t.setDaemon(true);
      return t;
    });
    renewer.scheduleAtFixedRate(this::renew, RENEW.toMillis(), RENEW.toMillis(), TimeUnit.MILLISECONDS);
    return name;
  }

  private void renew() {
    try {
      client.leases().inNamespace(name).withName(LEASE).edit(l -> {
        l.getSpec().setRenewTime(now());
        return l;
      });
      renewProblem = null;
    } catch (RuntimeException e) {
      renewProblem = e.getMessage(); // the next renewal may succeed; three misses make the namespace look stale
    }
  }

  /** Why the last renewal failed, or null. */
  String renewProblem() {
    return renewProblem;
  }

  /**
   * Deletes podgate namespaces (other than {@code ownId}'s) whose Lease is older than three lease durations,
   * or that have no Lease and were created more than three durations ago. Returns their names.
   */
  static List<String> sweepStale(KubernetesClient client, String ownId, Instant now) {
    List<String> deleted = new ArrayList<>();
    for (Namespace ns : client.namespaces().withLabel(PodgateLabels.SESSION).list().getItems()) {
      String session = ns.getMetadata().getLabels().get(PodgateLabels.SESSION);
      String n = ns.getMetadata().getName();
      if (ownId.equals(session) || ns.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      Lease lease = client.leases().inNamespace(n).withName(LEASE).get();
      Instant last;
      long duration = LEASE_SECONDS;
      if (lease == null || lease.getSpec() == null || lease.getSpec().getRenewTime() == null) {
        last = Instant.parse(ns.getMetadata().getCreationTimestamp());
      } else {
        last = lease.getSpec().getRenewTime().toInstant();
        if (lease.getSpec().getLeaseDurationSeconds() != null) {
          duration = lease.getSpec().getLeaseDurationSeconds();
        }
      }
      if (Duration.between(last, now).getSeconds() > 3 * duration) {
        client.namespaces().withName(n).delete();
        deleted.add(n);
      }
    }
    return deleted;
  }

  /** Stops renewing and deletes the namespace (the namespace controller removes what is left in the background). */
  @Override
  public synchronized void close() {
    if (renewer != null) {
      renewer.shutdownNow();
    }
    if (created) {
      created = false;
      try {
        client.namespaces().withName(name).delete();
      } catch (RuntimeException e) {
        throw KubeClients.failure("deleting namespace " + name, e);
      }
    }
  }

  private static ZonedDateTime now() {
    return ZonedDateTime.now(ZoneOffset.UTC);
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "unknown-host";
    }
  }
}
