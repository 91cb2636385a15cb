package io.podgate.bench;

import io.podgate.PodgateException;
import io.podgate.internal.backend.NodeGroup;
import io.podgate.internal.backend.NodesSpec;
import io.podgate.internal.backend.PodBackend;
import io.podgate.internal.backend.PodHandle;
import io.podgate.internal.backend.PodPlan;
import io.podgate.internal.containerd.ContainerdAccess;
import io.podgate.internal.host.HostPortRules;
import io.podgate.internal.image.StandardImages;
import io.podgate.internal.pod.CriAccess;
import io.podgate.internal.pod.HostPorts;
import io.podgate.internal.pod.PodProvisioner;
import io.podgate.internal.pod.PodSpec;
import io.podgate.internal.pod.SessionImages;
import io.podgate.internal.runtime.ContainerdOptions;
import io.podgate.internal.runtime.EmbeddedContainerd;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The bench's daemon as a pod backend (the seam tests get their pods through): pods made the way podgate
 * makes a test's, labelled for the run's sweep, and raw CRI and containerd access as capabilities, so
 * {@code measure.churn()} runs on it as on a test's runtime. Closing it stops the provisioner's threads; the
 * pods are their makers' to remove.
 */
final class DaemonBackend implements PodBackend, AutoCloseable {
  private final BenchDaemon daemon;
  private final Map<String, String> labels;
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "podgate-bench-pods");
    t.setDaemon(true);
    return t;
  });
  private final PodProvisioner provisioner;

  /** Pods labelled {@code labels}, their logs under {@code logs}. */
  DaemonBackend(BenchDaemon daemon, Map<String, String> labels, Path logs) {
    this.daemon = daemon;
    this.labels = Map.copyOf(labels);
    this.provisioner = new PodProvisioner(daemon.cri(), new SessionImages(daemon.cri(),
        new StandardImages(StandardImages.defaultCacheDir())), new HostPorts(), this.labels, logs, executor);
    daemon.embedded().map(EmbeddedContainerd::options).filter(ContainerdOptions::podgateHostPorts).ifPresent(o ->
        provisioner.publishHostPortsWith(new HostPortRules(o.podSubnet(), o.bridgeName(), daemon.cri())));
  }

  @Override
  public String describe() {
    return daemon.describe();
  }

  @Override
  public boolean healthy() {
    return true;
  }

  @Override
  public List<String> notices() {
    return List.of();
  }

  @Override
  public boolean schedulesPods() {
    return false; // one daemon: every pod runs on it
  }

  @Override
  public Map<String, String> ownerLabels() {
    return labels;
  }

  @Override
  public PodPlan plan(PodSpec spec) {
    return provisioner.prepare(spec);
  }

  @Override
  public PodHandle create(PodPlan plan, Map<String, String> labels) {
    if (!(plan instanceof PodProvisioner.Prepared prepared)) {
      throw new PodgateException(plan.origin() + ": planned by another backend; plan and create it with the bench's");
    }
    labels.forEach((k, v) -> prepared.sandbox().putLabels(k, v));
    return provisioner.provision(prepared);
  }

  @Override
  public NodeGroup startNodes(NodesSpec spec) {
    throw new PodgateException("the bench's daemon runs no nodes; CrossNodeBenchmark measures across nodes");
  }

  @Override
  public <T> Optional<T> capability(Class<T> type) {
    if (type == CriAccess.class) {
      return Optional.of(type.cast(new CriAccess(daemon.cri(), daemon.describe())));
    }
    if (type == ContainerdAccess.class) {
      return Optional.of(type.cast(daemon.containerd())); // the bench's daemon is containerd
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
