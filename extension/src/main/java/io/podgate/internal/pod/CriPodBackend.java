package io.podgate.internal.pod;

import io.podgate.PodgateException;
import io.podgate.internal.backend.BackendLease;
import io.podgate.internal.backend.NodeGroup;
import io.podgate.internal.backend.NodesSpec;
import io.podgate.internal.backend.PodBackend;
import io.podgate.internal.backend.PodBackendProvider;
import io.podgate.internal.backend.PodHandle;
import io.podgate.internal.backend.PodPlan;
import io.podgate.internal.backend.PodStart;
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

  /**
   * Registered in META-INF/services: leases on this JVM's {@link PodgateSession}, for backends
   * {@code embedded} (no CRI endpoint configured) and {@code cri} (podgate.cri.endpoint set).
   */
  public static final class Provider implements PodBackendProvider {
    @Override
    public java.util.Set<String> names() {
      return java.util.Set.of("embedded", "cri");
    }

    @Override
    public BackendLease acquire(String name) {
      boolean endpoint = io.podgate.internal.runtime.CriEndpoint.configured().isPresent();
      if (name.equals("cri") && !endpoint) {
        throw new PodgateException("podgate.backend = cri needs a CRI endpoint: set system property "
            + io.podgate.internal.runtime.CriEndpoint.PROPERTY + " (or environment variable "
            + io.podgate.internal.runtime.CriEndpoint.ENV + ") to unix:///path/to/containerd.sock, or use"
            + " podgate.backend = embedded");
      }
      if (name.equals("embedded") && endpoint) {
        throw new PodgateException("podgate.backend = embedded starts a private containerd, but a CRI endpoint is set ("
            + io.podgate.internal.runtime.CriEndpoint.PROPERTY + " or " + io.podgate.internal.runtime.CriEndpoint.ENV
            + "); unset it, or use podgate.backend = cri");
      }
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
  public List<String> handOffFailures() {
    return session.handOffFailures();
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

  /** Adds {@code labels} to a plan this backend made (sandbox and containers) and creates the pod through {@code provisioner}. */
  static RunningPod provision(PodProvisioner provisioner, PodPlan plan, Map<String, String> labels) {
    if (!(plan instanceof PodProvisioner.Prepared prepared)) {
      throw new PodgateException(plan.origin() + ": this pod was planned by another backend ("
          + plan.getClass().getName() + "); plan and create it with the same backend");
    }
    labels.forEach((k, v) -> prepared.sandbox().putLabels(k, v));
    return provisioner.finish(provisioner.startSandbox(prepared), labels, -1); // the containers carry them too
  }

  /** Not for a fixed host port: the pod of the test before may hold it until its background removal ends. */
  @Override
  public Optional<PodStart> startAhead(PodPlan plan, Map<String, String> labels) {
    if (!(plan instanceof PodProvisioner.Prepared prepared)) {
      return Optional.empty();
    }
    if (prepared.sandbox().getPortMappingsList().stream().anyMatch(m -> m.getHostPort() != 0)) {
      return Optional.empty();
    }
    labels.forEach((k, v) -> prepared.sandbox().putLabels(k, v));
    PodProvisioner provisioner = session.provisioner();
    PodProvisioner.Sandbox sandbox = provisioner.startSandbox(prepared);
    return Optional.of(new PodStart() {
      @Override
      public String id() {
        return sandbox.pod().id();
      }

      @Override
      public boolean usable() {
        try {
          return session.cri().podSandboxStatus(id()).getStatus().getState()
              == io.podgate.internal.cri.v1.PodSandboxState.SANDBOX_READY;
        } catch (RuntimeException e) {
          return false; // gone (NotFound) or the runtime does not answer: made anew, which says why if it fails
        }
      }

      @Override
      public PodHandle finish(Map<String, String> testLabels, long waitedNanos) {
        return provisioner.finish(sandbox, testLabels, waitedNanos);
      }

      @Override
      public void close() {
        PodProvisioner.discard(sandbox);
      }
    });
  }

  /** No scheduler: a pod without a node runs on the session's one runtime. */
  @Override
  public boolean schedulesPods() {
    return false;
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
