package io.podgate.internal.pod;

import io.podgate.PodSandbox;
import io.podgate.PortMapping;
import io.podgate.Container;
import io.podgate.NodeInfo;
import io.podgate.PodgateException;
import io.podgate.internal.backend.PodHandle;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.host.SandboxRemoval;
import io.podgate.internal.runtime.RemovalHandOff;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Handle of a pod podgate created; {@link #close()} stops and removes it. */
public final class RunningPod implements PodHandle {
  /** A host port handed to this pod; {@code fixed}: asked for by number (not 0, a free one). */
  record HostPortLease(int containerPort, PodSpec.Protocol protocol, String hostIp, int hostPort, boolean fixed) {}

  private final CriClient cri;
  private final HostPorts hostPorts;
  private final String id;
  private final String name;
  private final String namespace;
  private final String origin;
  private final Path logDirectory;
  private final Map<String, String> labels;
  private final List<HostPortLease> ports;
  private final List<RunningContainer> containers = new ArrayList<>();
  private volatile String ip = "";
  private volatile PodTimings timings;
  private volatile boolean closed;
  private volatile boolean ownsLogDirectory;
  private volatile boolean privileged;
  private volatile List<String> hostNamespaces = List.of();
  private volatile NodeInfo node;
  private volatile RemovalHandOff handOff;

  RunningPod(CriClient cri, HostPorts hostPorts, String id, String name, String namespace, String origin,
      Path logDirectory, Map<String, String> labels, List<HostPortLease> ports) {
    this.cri = cri;
    this.hostPorts = hostPorts;
    this.id = id;
    this.name = name;
    this.namespace = namespace;
    this.origin = origin;
    this.logDirectory = logDirectory;
    this.labels = Map.copyOf(labels);
    this.ports = List.copyOf(ports);
  }

  synchronized void add(RunningContainer c) {
    c.pod(this);
    containers.add(c);
  }

  void handOff(RemovalHandOff handOff) {
    this.handOff = handOff;
  }

  /**
   * Hands the removal to the reused runtime's keeper when there is one and the pod holds no fixed host
   * port (a pod asking for that port must be able to wait for it in this JVM); true when handed off.
   * Its host ports stay reserved in this JVM: until the keeper is done, they still lead to this pod.
   */
  @Override
  public synchronized boolean handOff() {
    RemovalHandOff to = handOff;
    if (closed || to == null || ports.stream().anyMatch(HostPortLease::fixed) || !to.accepting() || !exists()) {
      return false;
    }
    to.submit(id, name, origin);
    closed = true;
    return true;
  }

  /** Whether the runtime still has the sandbox: one removed behind podgate's back is reported by {@link #close()}, not handed off. */
  private boolean exists() {
    try {
      cri.podSandboxStatus(id, false);
      return true;
    } catch (RuntimeException e) {
      return false; // gone, or the runtime cannot say: close() reports what it finds
    }
  }

  void ownsLogDirectory(boolean owns) {
    this.ownsLogDirectory = owns;
  }

  void privileged(boolean privileged) {
    this.privileged = privileged;
  }

  /** Whether the pod runs privileged (some container asked for it). */
  @Override
  public boolean privileged() {
    return privileged;
  }

  void hostNamespaces(List<String> namespaces) {
    this.hostNamespaces = List.copyOf(namespaces);
  }

  /** Host namespaces (network, pid, ipc) the pod shares because its config asked; empty normally. */
  @Override
  public List<String> hostNamespaces() {
    return hostNamespaces;
  }

  void node(NodeInfo node) {
    this.node = node;
  }

  @Override
  public Optional<NodeInfo> node() {
    return Optional.ofNullable(node);
  }

  void ip(String ip) {
    this.ip = ip;
  }

  void timings(PodTimings timings) {
    this.timings = timings;
  }

  @Override
  public PodTimings timings() {
    return timings;
  }

  @Override
  public String origin() {
    return origin;
  }

  @Override
  public String id() {
    return id;
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
      return InetAddress.getByName(ip); // an IP literal: no lookup
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
    return ports.stream()
        .filter(p -> p.containerPort() == containerPort && p.protocol() == protocol)
        .mapToInt(HostPortLease::hostPort)
        .findFirst()
        .orElseThrow(() -> new PodgateException("pod '" + name + "' (" + origin + ") does not publish container port "
            + containerPort + "/" + protocol + "; published: " + ports.stream()
                .map(p -> p.containerPort() + "/" + p.protocol() + "->" + p.hostIp() + ":" + p.hostPort())
                .collect(Collectors.joining(", ", "[", "]"))
            + ". Add ports = @PortMapping(containerPort = " + containerPort + ") to @PodSandbox"));
  }

  @Override
  public synchronized List<Container> containers() {
    return List.copyOf(containers);
  }

  @Override
  public synchronized List<RunningContainer> containerHandles() {
    return List.copyOf(containers);
  }

  @Override
  public synchronized Container container(String containerName) {
    return containers.stream().filter(c -> c.name().equals(containerName)).findFirst()
        .orElseThrow(() -> new PodgateException("pod '" + name + "' has no container '" + containerName
            + "'; it has " + containers.stream().map(RunningContainer::name).toList()));
  }

  @Override
  public Path logDirectory() {
    return logDirectory;
  }

  @Override
  public Map<String, String> labels() {
    return labels;
  }

  @Override
  public void closing() {
    if (!closed) {
      ports.forEach(p -> hostPorts.releasing(p.hostIp(), p.hostPort(), p.protocol()));
    }
  }

  /** Stops (retried) and removes the pod (and so its containers), then frees its host ports; see {@link SandboxRemoval}. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    PodgateException failure = null;
    SandboxRemoval.Outcome outcome = SandboxRemoval.remove(cri, id);
    if (!outcome.removed() || !outcome.hostClean()) {
      failure = new PodgateException("removing pod '" + name + "' (" + origin + ") failed: " + outcome.describe(),
          outcome.runtimeError());
    }
    for (HostPortLease p : ports) {
      hostPorts.release(p.hostIp(), p.hostPort(), p.protocol());
    }
    deleteLogs();
    if (failure != null) {
      throw failure;
    }
  }

  /** Log files are ours to delete: in a directory we made, or named by us in the user's directory. */
  private void deleteLogs() {
    List<RunningContainer> list;
    synchronized (this) {
      list = List.copyOf(containers);
    }
    for (RunningContainer c : list) {
      try {
        java.nio.file.Files.deleteIfExists(c.logFile());
      } catch (java.io.IOException | RuntimeException e) {
        // a log that cannot be deleted is not worth failing the teardown
      }
    }
    if (ownsLogDirectory) {
      PodgateSession.deleteTree(logDirectory);
    }
  }

  @Override
  public String toString() {
    return "Pod[" + namespace + "/" + name + ", " + id + ", " + ip + "]";
  }
}
