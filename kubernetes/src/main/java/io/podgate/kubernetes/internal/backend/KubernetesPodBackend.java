package io.podgate.kubernetes.internal.backend;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.LocalPortForward;
import io.podgate.NodeInfo;
import io.podgate.PodgateException;
import io.podgate.internal.backend.NodeGroup;
import io.podgate.internal.backend.NodesSpec;
import io.podgate.internal.backend.PodBackend;
import io.podgate.internal.backend.PodHandle;
import io.podgate.internal.backend.PodPlan;
import io.podgate.internal.host.PodgateLabels;
import io.podgate.internal.measure.api.ClientPods;
import io.podgate.internal.measure.churn.PodApiChurn;
import io.podgate.internal.pod.PodSpec;
import io.podgate.internal.pod.PodTimings;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Pods on a Kubernetes cluster through its API (fabric8). Each backend session has one namespace,
 * {@code podgate-<session>}, made on the first pod, holding a Lease the session renews; pods carry the
 * session's labels, {@code restartPolicy: Never}, {@code activeDeadlineSeconds} and, for images the kubelet pulls
 * from a registry with {@code podgate.registry.<host>.*} credentials, that registry's {@link PullSecrets pull secret}. A pod spec is translated
 * by {@link PodTranslator} (anything without a Pod equivalent is refused before anything is created); the
 * wait is {@link KubeReadiness}; {@code @HostPort} is a port-forward on the declared host IP. It offers
 * {@link PodApiChurn} ({@link PodChurnEngine}): {@code measure.churn()} churns pods through the API; and
 * {@link ClientPods} ({@link MeasureClientPods}): measurements the JVM cannot make run from a hostNetwork pod.
 */
public final class KubernetesPodBackend implements PodBackend {
  /** {@code true} lets container mounts become hostPath volumes on a cluster podgate did not start. */
  public static final String HOST_PATH_PROPERTY = "podgate.kubernetes.hostPathMounts";
  /** {@code podgate.kubernetes.node.<@PodgateNode name>} = the cluster node it stands for. */
  public static final String NODE_PROPERTY_PREFIX = "podgate.kubernetes.node.";
  /** Pods stop by themselves after this long, so a pod a dead session left does not run on. */
  static final long ACTIVE_DEADLINE_SECONDS = 4 * 3600;

  private final KubernetesClient client;
  private final String sessionId;
  private final String description;
  private final ImageSource images;
  private final PodTranslator translator;
  private final SessionNamespace namespace;
  private final PullSecrets pullSecrets;
  private final KubePod.NodeRuntimeCheck runtimeCheck;
  private final boolean localLogs;
  private final Function<String, Path> podLogs;
  private final Map<Class<?>, Object> capabilities;
  private final NodeStarter nodeStarter;
  private final List<String> notices = new ArrayList<>();
  private volatile boolean closed;

  /**
   * @param sessionId the session's id: the namespace is {@code podgate-<sessionId>} and every pod is labelled with it
   * @param hostPathMounts whether mounts become hostPath volumes (the nodes are this machine)
   * @param localLogs whether the kubelets' log files are on this machine (then logs tell stdout from stderr)
   * @param runtimeCheck confirms on the node's runtime that a deleted pod is gone; null when that cannot be seen
   * @param capabilities what {@link #capability} offers (e.g. the node containerd's CRI on a local cluster)
   */
  public KubernetesPodBackend(KubernetesClient client, String sessionId, String description, ImageSource images,
      boolean hostPathMounts, boolean localLogs, KubePod.NodeRuntimeCheck runtimeCheck, Map<Class<?>, Object> capabilities) {
    this(client, sessionId, description, images, hostPathMounts, localLogs, runtimeCheck, capabilities,
        (spec, backend) -> KubeNodes.bind(spec, backend, System::getProperty), node -> KubePod.POD_LOGS);
  }

  /**
   * As above; {@code nodeStarter} gives {@code @PodgateNodes} their cluster nodes (by default the cluster's own), and
   * {@code podLogs} gives the directory on this machine that is a cluster node's {@code /var/log/pods}.
   */
  KubernetesPodBackend(KubernetesClient client, String sessionId, String description, ImageSource images,
      boolean hostPathMounts, boolean localLogs, KubePod.NodeRuntimeCheck runtimeCheck, Map<Class<?>, Object> capabilities,
      NodeStarter nodeStarter, Function<String, Path> podLogs) {
    this.nodeStarter = nodeStarter;
    this.podLogs = podLogs;
    this.client = client;
    this.sessionId = sessionId;
    this.description = description;
    this.images = images;
    this.translator = new PodTranslator(new PodTranslator.Options(hostPathMounts, ACTIVE_DEADLINE_SECONDS));
    this.namespace = new SessionNamespace(client, sessionId);
    this.pullSecrets = new PullSecrets(client, sessionId);
    this.runtimeCheck = runtimeCheck;
    this.localLogs = localLogs;
    this.capabilities = Map.copyOf(capabilities);
    try {
      List<String> swept = SessionNamespace.sweepStale(client, sessionId, Instant.now());
      if (!swept.isEmpty()) {
        notices.add("deleted namespaces of podgate sessions whose Lease went stale: " + swept);
      }
    } catch (RuntimeException e) {
      throw KubeClients.failure("looking for stale podgate namespaces (list namespaces labelled "
          + PodgateLabels.SESSION + ")", e);
    }
  }

  KubernetesClient client() {
    return client;
  }

  /** The cluster namespace of this session (made on the first pod). */
  public String namespace() {
    return namespace.name();
  }

  @Override
  public String describe() {
    return description + ", namespace " + namespace.name();
  }

  @Override
  public boolean healthy() {
    return !closed;
  }

  @Override
  public List<String> notices() {
    return List.copyOf(notices);
  }

  @Override
  public Map<String, String> ownerLabels() {
    return Map.of(PodgateLabels.SESSION, sessionId, PodgateLabels.OWNER_PID, Long.toString(ProcessHandle.current().pid()));
  }

  @Override
  public PodPlan plan(PodSpec spec) {
    return translator.translate(spec);
  }

  @Override
  public PodHandle create(PodPlan plan, Map<String, String> labels) {
    return create(plan, labels, null);
  }

  /** Creates the pod, pinned to cluster node {@code node} when it is not null (reported as {@code nodeInfo}). */
  KubePod create(PodPlan plan, Map<String, String> labels, NodeInfo nodeInfo, String node) {
    if (!(plan instanceof KubePlan k)) {
      throw new PodgateException(plan.origin() + ": this pod was planned by another backend ("
          + plan.getClass().getName() + "); plan and create it with the same backend");
    }
    long t0 = System.nanoTime();
    List<ImageSource.Resolved> resolved = new ArrayList<>();
    for (KubePlan.ContainerPlan c : k.containers()) {
      resolved.add(images.resolve(c.image(), c.origin(), Optional.ofNullable(node)));
    }
    long t1 = System.nanoTime();
    String ns = namespace.ensure();
    List<io.fabric8.kubernetes.api.model.LocalObjectReference> secrets;
    try {
      secrets = pullSecrets.ensure(ns, resolved.stream().filter(r -> !"Never".equals(r.pullPolicy()))
          .map(ImageSource.Resolved::reference).toList());
    } catch (PodgateException e) {
      throw new PodgateException(k.origin() + ": " + e.getMessage(), e);
    }
    String object = objectName(k.name());
    Map<String, String> allLabels = new LinkedHashMap<>(k.pod().getMetadata().getLabels());
    allLabels.putAll(ownerLabels());
    allLabels.putAll(labels);
    PodBuilder b = new PodBuilder(k.pod()).editMetadata().withName(object).withNamespace(ns).withLabels(allLabels)
        .endMetadata();
    Pod pod = b.build();
    if (node != null) {
      ApartPlacement.pin(pod, node);
    }
    if (!secrets.isEmpty()) {
      pod.getSpec().setImagePullSecrets(secrets);
    }
    for (int i = 0; i < resolved.size(); i++) {
      Container c = pod.getSpec().getContainers().get(i);
      c.setImage(resolved.get(i).reference());
      c.setImagePullPolicy(resolved.get(i).pullPolicy());
    }
    try {
      client.pods().inNamespace(ns).resource(pod).create();
    } catch (RuntimeException e) {
      throw KubeClients.failure(k.origin() + ": creating pod '" + k.name() + "' (" + ns + "/" + object + ")", e);
    }
    long t2 = System.nanoTime();
    List<KubeContainer> containers = new ArrayList<>();
    for (int i = 0; i < k.containers().size(); i++) {
      KubePlan.ContainerPlan c = k.containers().get(i);
      containers.add(new KubeContainer(client, ns, object, c.name(), c.image(), c.origin(), localLogs));
    }
    List<KubePod.Forward> forwards = new ArrayList<>();
    try {
      KubeReadiness.await(client, ns, object, k, containers, "");
      long t3 = System.nanoTime();
      Pod live = client.pods().inNamespace(ns).withName(object).get();
      for (PodSpec.PortSpec p : k.ports()) {
        forwards.add(new KubePod.Forward(p.containerPort(), forward(ns, object, k, p)));
      }
      KubePod handle = new KubePod(client, ns, object, live.getMetadata().getUid(), k, KubeReadiness.ip(live),
          live.getMetadata().getLabels(), containers, forwards, nodeInfo,
          new PodTimings(ms(t1 - t0), ms(t2 - t1), 0, ms(t3 - t2)), runtimeCheck,
          podLogs.apply(live.getSpec() == null ? null : live.getSpec().getNodeName()));
      for (KubeContainer c : containers) {
        var s = KubeContainer.status(live, c.name());
        String id = s == null || s.getContainerID() == null ? "" : s.getContainerID().replaceFirst("^[a-z]+://", "");
        c.attach(handle, id);
      }
      return handle;
    } catch (RuntimeException e) {
      boolean interrupted = Thread.interrupted();
      for (KubePod.Forward f : forwards) {
        try {
          f.forward().close();
        } catch (java.io.IOException | RuntimeException closing) {
          e.addSuppressed(closing);
        }
      }
      String gone = KubePod.delete(client, ns, object);
      if (gone != null) {
        e.addSuppressed(new PodgateException(gone));
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      throw e;
    }
  }

  private KubePod create(PodPlan plan, Map<String, String> labels, NodeInfo nodeInfo) {
    return create(plan, labels, nodeInfo, null);
  }

  private LocalPortForward forward(String ns, String object, KubePlan plan, PodSpec.PortSpec p) {
    try {
      return client.pods().inNamespace(ns).withName(object)
          .portForward(p.containerPort(), InetAddress.getByName(p.hostIp()), p.hostPort());
    } catch (java.io.IOException | RuntimeException e) {
      throw new PodgateException(plan.origin() + ": forwarding " + p.hostIp() + ":" + p.hostPort() + " to container port "
          + p.containerPort() + " of pod '" + plan.name() + "' failed: " + e.getMessage()
          + (p.hostPort() != 0 ? " (is host port " + p.hostPort() + " taken? use hostPort = 0 for a free one)" : ""), e);
    }
  }

  /** The object name: the declared name plus a random suffix, so pods of one name (parallel tests) coexist. */
  static String objectName(String declared) {
    String suffix = "-" + HexFormat.of().formatHex(new byte[] {(byte) ThreadLocalRandom.current().nextInt(),
        (byte) ThreadLocalRandom.current().nextInt(), (byte) ThreadLocalRandom.current().nextInt()});
    String head = declared.length() > 240 ? declared.substring(0, 240) : declared;
    return head.replaceAll("[.-]+$", "") + suffix;
  }

  /** The cluster's scheduler places unpinned pods, honouring {@code apart} (required pod anti-affinity). */
  @Override
  public boolean schedulesPods() {
    return true;
  }

  @Override
  public NodeGroup startNodes(NodesSpec spec) {
    return nodeStarter.start(spec, this);
  }

  /** Gives the names of a {@code @PodgateNodes} cluster nodes (binding existing ones, or starting them). */
  interface NodeStarter {
    NodeGroup start(NodesSpec spec, KubernetesPodBackend backend);
  }

  @Override
  public <T> Optional<T> capability(Class<T> type) {
    if (type == ClientPods.class) {
      return Optional.of(type.cast(new MeasureClientPods(this)));
    }
    if (type == PodApiChurn.class) {
      return Optional.of(type.cast(new PodChurnEngine(client, namespace, images, ownerLabels(), runtimeCheck,
          ACTIVE_DEADLINE_SECONDS)));
    }
    return Optional.ofNullable(capabilities.get(type)).map(type::cast);
  }

  /** Deletes the session's pods that are left (grace 0), then its namespace (the namespace controller finishes in the background). */
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<RuntimeException> problems = new ArrayList<>();
    try {
      for (Pod p : client.pods().inNamespace(namespace.name()).withLabel(PodgateLabels.SESSION, sessionId).list().getItems()) {
        String gone = KubePod.delete(client, namespace.name(), p.getMetadata().getName());
        if (gone != null) {
          problems.add(new PodgateException(gone));
        }
      }
    } catch (RuntimeException e) {
      problems.add(e);
    }
    try {
      namespace.close();
    } catch (RuntimeException e) {
      problems.add(e);
    }
    if (!problems.isEmpty()) {
      PodgateException e = new PodgateException("ending the kubernetes backend session " + sessionId + " failed: "
          + problems.get(0).getMessage());
      problems.forEach(e::addSuppressed);
      throw e;
    }
  }

  private static long ms(long nanos) {
    return nanos / 1_000_000;
  }

  @Override
  public String toString() {
    return "kubernetes backend of session " + sessionId + " (" + description + ")";
  }
}
