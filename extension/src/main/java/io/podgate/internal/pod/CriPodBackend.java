package io.podgate.internal.pod;

import io.podgate.PodgateException;
import io.podgate.internal.backend.BackendLease;
import io.podgate.internal.backend.NodeGroup;
import io.podgate.internal.backend.NodesSpec;
import io.podgate.internal.backend.PodBackend;
import io.podgate.internal.backend.PodBackendProvider;
import io.podgate.internal.backend.PodHandle;
import io.podgate.internal.backend.PodPlan;
import io.podgate.internal.containerd.ContainerdAccess;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The CRI backend: pods of a {@link PodgateSession} (embedded containerd or a configured endpoint). */
public final class CriPodBackend implements PodBackend {
  private final PodgateSession session;

  public CriPodBackend(PodgateSession session) {
    this.session = session;
  }

  /** Registered in META-INF/services: leases on this JVM's {@link PodgateSession}. */
  public static final class Provider implements PodBackendProvider {
    @Override
    public BackendLease acquire() {
      PodgateSession.Lease lease = PodgateSession.acquire();
      CriPodBackend backend = new CriPodBackend(lease.session());
      return new BackendLease() {
        @Override
        public PodBackend backend() {
          return backend;
        }

        @Override
        public void close() {
          lease.close();
        }
      };
    }
  }

  @Override
  public String describe() {
    return session.describeRuntime();
  }

  @Override
  public boolean healthy() {
    return session.healthy();
  }

  @Override
  public List<String> notices() {
    return session.notices();
  }

  @Override
  public Map<String, String> ownerLabels() {
    return session.ownerLabels();
  }

  @Override
  public PodPlan plan(PodSpec spec) {
    return session.provisioner().prepare(spec);
  }

  @Override
  public PodHandle create(PodPlan plan, Map<String, String> labels) {
    return provision(session.provisioner(), plan, labels);
  }

  /** Adds {@code labels} to a plan this backend made and creates the pod through {@code provisioner}. */
  static RunningPod provision(PodProvisioner provisioner, PodPlan plan, Map<String, String> labels) {
    if (!(plan instanceof PodProvisioner.Prepared prepared)) {
      throw new PodgateException(plan.origin() + ": this pod was planned by another backend ("
          + plan.getClass().getName() + "); plan and create it with the same backend");
    }
    labels.forEach((k, v) -> prepared.sandbox().putLabels(k, v));
    return provisioner.provision(prepared);
  }

  @Override
  public NodeGroup startNodes(NodesSpec spec) {
    return TopologyNodes.start(spec, session);
  }

  @Override
  public <T> Optional<T> capability(Class<T> type) {
    if (type == CriAccess.class) {
      return Optional.of(type.cast(new CriAccess(session.cri(), session.describeRuntime())));
    }
    if (type == ContainerdAccess.class && runsContainerd()) {
      return Optional.of(type.cast(new ContainerdAccess(session.cri().channel(), session.cri().endpoint())));
    }
    return Optional.empty();
  }

  /** Embedded containerd, or an endpoint whose CRI Version says containerd (not e.g. CRI-O). */
  private boolean runsContainerd() {
    if (session.embedded().isPresent()) {
      return true;
    }
    try {
      return "containerd".equals(session.cri().version().getRuntimeName());
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return "CRI backend of session " + session.id() + " (" + session.runtime() + ")";
  }
}
