package io.podgate.kubernetes.internal.backend;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.LocalPortForward;
import io.podgate.Container;
import io.podgate.NodeInfo;
import io.podgate.PodgateException;
import io.podgate.internal.backend.PodHandle;
import io.podgate.internal.pod.PodSpec;
import io.podgate.internal.pod.PodTimings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A pod on a Kubernetes cluster. {@link #name()} and {@link #namespace()} are the declared ones (the object
 * is {@link #objectName()} in the session's namespace {@link #clusterNamespace()}); {@link #id()} is the
 * pod's uid; {@link #hostPort(int)} is the local port of a port-forward on the declared host IP
 * (127.0.0.1 by default); {@link #logDirectory()} is where the node's kubelet keeps the pod's logs.
 * {@link #close()} deletes the pod with grace period 0 and waits until it is gone.
 */
final class KubePod implements PodHandle {
  /** A forward of a container port to the test JVM's machine. */
  record Forward(int containerPort, LocalPortForward forward) {}

  private final KubernetesClient client;
  private final String clusterNamespace;
  private final String objectName;
  private final String uid;
  private final String name;
  private final String namespace;
  private final String origin;
  private final String ip;
  private final Map<String, String> labels;
  private final List<KubeContainer> containers;
  private final List<Forward> forwards;
  private final NodeInfo node;
  private final boolean privileged;
  private final List<String> hostNamespaces;
  private final PodTimings timings;
  private final NodeRuntimeCheck runtimeCheck;
  private final Path podLogs;
  private volatile boolean closed;

  /** Where a kubelet keeps pod logs: {@code /var/log/pods}. */
  static final Path POD_LOGS = Path.of("/var/log/pods");

  KubePod(KubernetesClient client, String clusterNamespace, String objectName, String uid, KubePlan plan, String ip,
      Map<String, String> labels, List<KubeContainer> containers, List<Forward> forwards, NodeInfo node,
      PodTimings timings, NodeRuntimeCheck runtimeCheck, Path podLogs) {
    this.client = client;
    this.podLogs = podLogs;
    this.clusterNamespace = clusterNamespace;
    this.objectName = objectName;
    this.uid = uid;
    this.name = plan.name();
    this.namespace = plan.declaredNamespace();
    this.origin = plan.origin();
    this.ip = ip;
    this.labels = Map.copyOf(labels);
    this.containers = List.copyOf(containers);
    this.forwards = List.copyOf(forwards);
    this.node = node;
    this.privileged = plan.privileged();
    this.hostNamespaces = plan.hostNamespaces();
    this.timings = timings;
    this.runtimeCheck = runtimeCheck;
  }

  /** Checks on the node's runtime that a deleted pod's containers are gone (the API object goes first). */
  @FunctionalInterface
  interface NodeRuntimeCheck {
    /** Waits until the node's runtime has no sandbox of pod {@code uid}; returns a problem, or null. */
    String awaitGone(String uid);
  }

  String objectName() {
    return objectName;
  }

  String clusterNamespace() {
    return clusterNamespace;
  }

  @Override
  public String origin() {
    return origin;
  }

  @Override
  public String id() {
    return uid;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String namespace() {
    return namespace;
  }

  @Override
  public String ip() {
    return ip;
  }

  @Override
  public InetAddress inetAddress() {
    try {
      return InetAddress.getByName(ip);
    } catch (UnknownHostException e) {
      throw new PodgateException("pod '" + name + "' has no usable IP (\"" + ip + "\")", e);
    }
  }

  @Override
  public int hostPort(int containerPort) {
    return hostPort(containerPort, PodSpec.Protocol.TCP);
  }

  @Override
  public int hostPort(int containerPort, PodSpec.Protocol protocol) {
    return forwards.stream().filter(f -> f.containerPort() == containerPort && protocol == PodSpec.Protocol.TCP)
        .mapToInt(f -> f.forward().getLocalPort()).findFirst()
        .orElseThrow(() -> new PodgateException("pod '" + name + "' (" + origin + ") does not publish container port "
            + containerPort + "/" + protocol + "; port-forwards: " + forwards.stream()
                .map(f -> f.containerPort() + "/TCP->" + f.forward().getLocalAddress().getHostAddress() + ":"
                    + f.forward().getLocalPort()).collect(Collectors.joining(", ", "[", "]"))
            + ". Add ports = @PortMapping(containerPort = " + containerPort + ") to @PodSandbox"));
  }

  @Override
  public List<Container> containers() {
    return List.copyOf(containers);
  }

  @Override
  public List<KubeContainer> containerHandles() {
    return containers;
  }

  @Override
  public Container container(String containerName) {
    return containers.stream().filter(c -> c.name().equals(containerName)).findFirst()
        .orElseThrow(() -> new PodgateException("pod '" + name + "' has no container '" + containerName
            + "'; it has " + containers.stream().map(KubeContainer::name).toList()));
  }

  /**
   * The kubelet's directory of this pod's logs on its node, {@code /var/log/pods/<namespace>_<pod>_<uid>}; for a
   * node of the local cluster whose kubelet has a {@code /var/log} of its own, that directory's path on this machine.
   */
  @Override
  public Path logDirectory() {
    return podLogs.resolve(clusterNamespace + "_" + objectName + "_" + uid);
  }

  @Override
  public Map<String, String> labels() {
    return labels;
  }

  @Override
  public Optional<NodeInfo> node() {
    return Optional.ofNullable(node);
  }

  @Override
  public PodTimings timings() {
    return timings;
  }

  @Override
  public boolean privileged() {
    return privileged;
  }

  @Override
  public List<String> hostNamespaces() {
    return hostNamespaces;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<String> problems = new ArrayList<>();
    for (Forward f : forwards) {
      try {
        f.forward().close();
      } catch (IOException | RuntimeException e) {
        problems.add("closing the port-forward of port " + f.containerPort() + ": " + e.getMessage());
      }
    }
    String gone = delete(client, clusterNamespace, objectName);
    if (gone != null) {
      problems.add(gone);
    } else if (runtimeCheck != null) {
      String left = runtimeCheck.awaitGone(uid);
      if (left != null) {
        problems.add(left);
      }
    }
    if (!problems.isEmpty()) {
      throw new PodgateException("removing pod '" + name + "' (" + origin + ", " + clusterNamespace + "/" + objectName
          + ") failed: " + String.join("; ", problems));
    }
  }

  /** Deletes the pod with grace period 0 and waits up to a minute until the API has no such object; null when gone. */
  static String delete(KubernetesClient client, String ns, String objectName) {
    try {
      client.pods().inNamespace(ns).withName(objectName).withGracePeriod(0L).delete();
      client.pods().inNamespace(ns).withName(objectName).waitUntilCondition(Objects::isNull, 60, TimeUnit.SECONDS);
      return null;
    } catch (RuntimeException e) {
      return "deleting pod " + ns + "/" + objectName + ": " + KubeClients.failure("deleting", e).getMessage();
    }
  }

  @Override
  public String toString() {
    return "Pod[" + clusterNamespace + "/" + objectName + " (" + namespace + "/" + name + "), " + uid + ", " + ip + "]";
  }
}
