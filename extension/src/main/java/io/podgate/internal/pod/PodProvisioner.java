package io.podgate.internal.pod;

import io.podgate.NodeInfo;
import io.podgate.PodgateException;
import io.podgate.internal.backend.PodPlan;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.runtime.RemovalHandOff;
import io.podgate.internal.cri.v1.ContainerConfig;
import io.podgate.internal.cri.v1.PodSandbox;
import io.podgate.internal.cri.v1.PodSandboxConfig;
import io.podgate.internal.cri.v1.PodSandboxFilter;
import io.podgate.internal.cri.v1.PortMapping;
import io.podgate.internal.pod.RunningPod.HostPortLease;
import io.podgate.internal.host.HostPortRules;
import io.podgate.internal.host.SandboxRemoval;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;

/**
 * Creates pods through CRI: checks everything it can first, settles host ports, makes images
 * available, runs the sandbox, creates and starts the containers in parallel and waits until they
 * are ready. A failure at any step removes what was created and reports the step.
 */
public final class PodProvisioner {
  private final CriClient cri;
  private final ImageResolver images;
  private final HostPorts hostPorts;
  private final Map<String, String> sessionLabels;
  private final Path podsDir;
  private final ExecutorService executor;
  private final String network;
  private final NodeInfo node;
  private volatile RemovalHandOff handOff;
  private volatile HostPortRules hostPortRules;

  public PodProvisioner(CriClient cri, ImageResolver images, HostPorts hostPorts, Map<String, String> sessionLabels,
      Path podsDir, ExecutorService executor) {
    this(cri, images, hostPorts, sessionLabels, podsDir, executor, "the runtime's pod network");
  }

  /** {@code network} names the pod network in messages, e.g. "pod subnet 10.88.0.0/16 (system property podgate.subnet)". */
  public PodProvisioner(CriClient cri, ImageResolver images, HostPorts hostPorts, Map<String, String> sessionLabels,
      Path podsDir, ExecutorService executor, String network) {
    this(cri, images, hostPorts, sessionLabels, podsDir, executor, network, null);
  }

  /** A provisioner for the pods of one node; each pod it creates reports {@code node}. */
  public PodProvisioner(CriClient cri, ImageResolver images, HostPorts hostPorts, Map<String, String> sessionLabels,
      Path podsDir, ExecutorService executor, String network, NodeInfo node) {
    this.node = node;
    this.network = network;
    this.cri = cri;
    this.images = images;
    this.hostPorts = hostPorts;
    this.sessionLabels = Map.copyOf(sessionLabels);
    this.podsDir = podsDir;
    this.executor = executor;
  }

  /** Pods made from now on may be handed to the reused runtime's keeper for removal (see {@link RunningPod#handOff()}). */
  void handOffTo(RemovalHandOff handOff) {
    this.handOff = handOff;
  }

  /** The runtime's network leaves host ports to podgate ({@link HostPortRules}), as podgate's own runtimes do. */
  public void publishHostPortsWith(HostPortRules rules) {
    this.hostPortRules = rules;
  }

  /** A pod spec with its JSON read and every value checked; creating it may still fail at runtime. */
  public record Prepared(PodSpec spec, PodSandboxConfig.Builder sandbox, List<ContainerSpec> containers,
      List<ContainerConfig.Builder> containerConfigs) implements PodPlan {
    @Override
    public String podName() {
      return sandbox.getMetadata().getName();
    }

    @Override
    public String origin() {
      return spec.origin();
    }
  }

  /** Reads JSON configs and checks every value; creates nothing. */
  public Prepared prepare(PodSpec spec) {
    return check(spec);
  }

  /** What {@link #prepare} does, needing no runtime: reads JSON configs and checks every value. */
  public static Prepared check(PodSpec spec) {
    SpecValidator.validate(spec.withContainers(List.of()));
    PodSandboxConfig.Builder sandbox = CriConfigs.sandbox(spec);
    List<ContainerSpec> containers = new ArrayList<>();
    List<ContainerConfig.Builder> configs = new ArrayList<>();
    for (ContainerSpec c : spec.containers()) {
      ContainerConfig.Builder cfg = CriConfigs.container(c,
          sandbox.getLinux().getSecurityContext().getNamespaceOptions().getPid());
      ContainerSpec named = c.withName(cfg.getMetadata().getName());
      if (named.image().isBlank() && cfg.getImage().getImage().isBlank()) {
        throw new PodSpecException(c.origin(), "image is empty (neither the annotation nor config \""
            + c.config().location() + "\" names one); set image = \"podgate:busybox\" or another image");
      }
      containers.add(named);
      configs.add(cfg);
    }
    SpecValidator.validate(spec.withContainers(containers));
    return new Prepared(spec, sandbox, containers, configs);
  }

  public RunningPod provision(PodSpec spec) {
    return provision(prepare(spec));
  }

  public RunningPod provision(Prepared prepared) {
    Sandbox sandbox = startSandbox(prepared);
    return finish(sandbox, Map.of(), -1);
  }

  /**
   * A pod whose sandbox runs (address, host ports and images settled) but has no container yet; see
   * {@link #startSandbox} and {@link #finish}. {@code nanos} is what getting here took, of which
   * {@code imagesNanos} was spent waiting for the images after the sandbox ran (they are made beside it).
   */
  public record Sandbox(Prepared prepared, RunningPod pod, List<String> imageRefs, String logPrefix, long imagesNanos,
      long nanos, CompletableFuture<Void> hostPortsPublished) {}

  /**
   * Settles host ports, makes the images available and runs the sandbox (RunPodSandbox and its IP).
   * A failure removes what was made and throws a PodgateException naming the step.
   */
  public Sandbox startSandbox(Prepared prepared) {
    PodSpec spec = prepared.spec();
    PodSandboxConfig.Builder sandbox = prepared.sandbox();
    String name = sandbox.getMetadata().getName();
    String uid8 = sandbox.getMetadata().getUid().replace("-", "");
    uid8 = uid8.substring(0, Math.min(8, uid8.length()));

    List<HostPortLease> leases = new ArrayList<>();
    RunningPod pod = null;
    boolean sandboxAsked = false;
    CompletableFuture<List<String>> imagesReady = null;
    CompletableFuture<Void> hostPortsPublished = CompletableFuture.completedFuture(null);
    try {
      long t0 = System.nanoTime();
      List<PortMapping> mappings = new ArrayList<>();
      HostPortRules rules = sandbox.getPortMappingsCount() == 0 ? null : hostPortRules;
      for (int i = 0; i < sandbox.getPortMappingsCount(); i++) {
        PortMapping m = sandbox.getPortMappings(i);
        PodSpec.Protocol protocol = PodSpec.Protocol.values()[m.getProtocolValue()];
        String hostIp = m.getHostIp().isEmpty() ? "0.0.0.0" : m.getHostIp();
        if (rules != null && hostIp.contains(":")) {
          throw new PodSpecException(spec.origin(), "port mapping of container port " + m.getContainerPort()
              + ": host IP " + hostIp + " is an IPv6 address, and the pods of podgate's runtime have IPv4 addresses;"
              + " use an IPv4 address of this host, 127.0.0.1 or 0.0.0.0");
        }
        int port = hostPorts.reserve(spec.origin(), "port mapping of container port " + m.getContainerPort(), hostIp,
            m.getHostPort(), protocol);
        leases.add(new HostPortLease(m.getContainerPort(), protocol, hostIp, port, m.getHostPort() != 0));
        mappings.add(m.toBuilder().setHostPort(port).build());
      }
      sandbox.clearPortMappings().addAllPortMappings(mappings);
      sandbox.putAllLabels(sessionLabels);
      if (rules != null) {
        sandbox.putLabels(HostPortRules.LABEL, "true"); // whoever removes the sandbox removes its rules
      }
      boolean defaultLogDir = sandbox.getLogDirectory().isEmpty();
      if (defaultLogDir) {
        sandbox.setLogDirectory(podsDir.resolve(name + "-" + uid8).toString());
      }
      Path logDir = Path.of(sandbox.getLogDirectory());
      createDirectories(logDir);
      if (prepared.containers().stream().anyMatch(ContainerSpec::privileged)) {
        sandbox.getLinuxBuilder().getSecurityContextBuilder().setPrivileged(true);
      }

      // The sandbox needs none of the containers' images (the kubelet too runs it before pulling them):
      // both at once, so a cold JVM's first image check (or an import) overlaps RunPodSandbox.
      imagesReady = CompletableFuture.supplyAsync(() -> resolveImages(prepared), executor);

      PodSandboxConfig sandboxConfig = sandbox.build();
      String podId;
      try {
        sandboxAsked = true;
        podId = cri.runPodSandbox(sandboxConfig);
      } catch (RuntimeException e) {
        if (String.valueOf(e.getMessage()).contains("no IP addresses available")) {
          throw new PodgateException(spec.origin() + ": creating pod '" + name + "' failed: no free address in " + network
              + ", every address is held by a pod; use a larger subnet or fewer pods at once. Runtime said: "
              + e.getMessage(), e);
        }
        throw new PodgateException(spec.origin() + ": creating pod '" + name + "' failed: " + e.getMessage()
            + RunPodSandboxHints.hint(e.getMessage()), e);
      }
      pod = new RunningPod(cri, hostPorts, podId, name, sandboxConfig.getMetadata().getNamespace(), spec.origin(), logDir,
          sandboxConfig.getLabelsMap(), leases);
      pod.ownsLogDirectory(defaultLogDir);
      pod.handOff(handOff);
      pod.node(node);
      pod.privileged(sandboxConfig.getLinux().getSecurityContext().getPrivileged());
      var ns = sandboxConfig.getLinux().getSecurityContext().getNamespaceOptions();
      List<String> hostNs = new ArrayList<>();
      if (ns.getNetwork() == io.podgate.internal.cri.v1.NamespaceMode.NODE) {
        hostNs.add("network");
      }
      if (ns.getPid() == io.podgate.internal.cri.v1.NamespaceMode.NODE) {
        hostNs.add("pid");
      }
      if (ns.getIpc() == io.podgate.internal.cri.v1.NamespaceMode.NODE) {
        hostNs.add("ipc");
      }
      pod.hostNamespaces(hostNs);
      pod.ip(cri.podSandboxStatus(podId).getStatus().getNetwork().getIp());
      if (rules != null) { // readiness goes to the pod's IP: the host ports need only be there for the test
        RunningPod started = pod;
        hostPortsPublished = CompletableFuture.runAsync(() -> publish(rules, podId, started.ip(), leases, spec, name),
            executor);
      }
      long sandboxReady = System.nanoTime();
      List<String> imageRefs = join(imagesReady); // its failure removes the pod below
      long end = System.nanoTime();
      String logPrefix = defaultLogDir ? "" : name + "_" + uid8 + "_";
      return new Sandbox(prepared, pod, imageRefs, logPrefix, end - sandboxReady, end - t0, hostPortsPublished);
    } catch (RuntimeException e) {
      // An interrupted thread (e.g. a JUnit @Timeout) would make every gRPC call of the cleanup fail at once.
      boolean interrupted = Thread.interrupted();
      if (imagesReady != null && imagesReady.isCompletedExceptionally()) { // one still going on ends by itself
        Throwable failure = imagesReady.handle((refs, t) -> t instanceof CompletionException c ? c.getCause() : t).join();
        if (failure != e) {
          e.addSuppressed(failure);
        }
      }
      try {
        if (pod != null) {
          settled(hostPortsPublished); // its rules must be there before the removal takes them
          pod.close();
        } else if (sandboxAsked) {
          removeHalfMadeSandbox(sandbox, name).ifPresent(e::addSuppressed);
        }
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      } finally {
        if (pod == null) {
          for (HostPortLease l : leases) {
            hostPorts.release(l.hostIp(), l.hostPort(), l.protocol());
          }
        }
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
      throw wrap(e, spec, name);
    }
  }

  /** Removes a sandbox never finished, once its host ports are published (else their rules could outlive it). */
  public static void discard(Sandbox sandbox) {
    settled(sandbox.hostPortsPublished());
    sandbox.pod().close();
  }

  /** Waits until {@code f} is done, whatever its outcome (a failure is the caller's to report). */
  private static void settled(CompletableFuture<?> f) {
    try {
      f.handle((v, t) -> null).join();
    } catch (RuntimeException ignored) {
      // cancelled: nothing of it runs any more
    }
  }

  private static void publish(HostPortRules rules, String podId, String podIp, List<HostPortLease> leases, PodSpec spec,
      String name) {
    if (podIp.isEmpty()) {
      throw new PodgateException(spec.origin() + ": pod '" + name + "' got no IP address from the runtime, so its host"
          + " ports cannot be published");
    }
    rules.add(podId, podIp, leases.stream()
        .map(l -> new HostPortRules.Mapping(l.protocol().name(), l.hostIp(), l.hostPort(), l.containerPort())).toList());
  }

  private List<String> resolveImages(Prepared prepared) {
    return parallel(prepared.containers(), i -> {
      String declared = prepared.containers().get(i).image().isBlank()
          ? prepared.containerConfigs().get(i).getImage().getImage()
          : prepared.containers().get(i).image();
      return images.resolve(declared, prepared.containers().get(i).origin());
    });
  }

  /** What {@code f} gives, waiting for it as a gRPC call would: an interrupt (a JUnit timeout) ends the wait. */
  private static <T> T join(CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new CompletionException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PodgateException("interrupted while waiting for the pod's images", e);
    }
  }

  /**
   * Creates and starts the containers of {@code started} in parallel and waits until they are ready.
   * {@code labels} go on each container besides the session's (the test it belongs to). {@code waitedNanos}
   * >= 0: the sandbox was started ahead of the test, which waited that long for it (counted in its create
   * time, the sandbox's own time apart); -1: it was started just now, as part of this pod. A failure
   * removes the pod.
   */
  public RunningPod finish(Sandbox started, Map<String, String> labels, long waitedNanos) {
    Prepared prepared = started.prepared();
    RunningPod pod = started.pod();
    String name = pod.name();
    String podId = pod.id();
    PodSandboxConfig sandboxConfig = prepared.sandbox().build();
    try {
      long t1 = System.nanoTime();
      List<RunningContainer> containers = parallel(prepared.containers(), i -> {
        ContainerSpec c = prepared.containers().get(i);
        ContainerConfig.Builder cfg = prepared.containerConfigs().get(i).clone();
        String declared = c.image().isBlank() ? cfg.getImage().getImage() : c.image();
        cfg.getImageBuilder().setImage(started.imageRefs().get(i));
        cfg.setLogPath(started.logPrefix() + c.name() + ".log");
        cfg.putAllLabels(labels);
        cfg.putAllLabels(sessionLabels);
        String id;
        try {
          id = cri.createContainer(podId, cfg.build(), sandboxConfig);
        } catch (RuntimeException e) {
          throw new PodgateException(c.origin() + ": creating container '" + c.name() + "' of pod '" + name
              + "' failed: " + e.getMessage(), e);
        }
        return new RunningContainer(cri, id, c.name(), declared, pod.logDirectory().resolve(cfg.getLogPath()), c.origin());
      });
      containers.forEach(pod::add);
      long t2 = System.nanoTime();
      parallel(containers, i -> {
        RunningContainer c = containers.get(i);
        try {
          cri.startContainer(c.id());
        } catch (RuntimeException e) {
          String said = String.valueOf(e.getMessage());
          String hint = said.contains("exec:") && said.contains("no such file or directory")
              ? " (the command does not exist in image " + c.image() + "; fix command/args or the image)" : "";
          throw new PodgateException(c.origin() + ": starting container '" + c.name() + "' of pod '" + name
              + "' failed: " + said + hint, e);
        }
        return null;
      });
      long t3 = System.nanoTime();
      parallel(containers, i -> {
        Readiness.awaitReady(pod, containers.get(i), prepared.containers().get(i).readiness());
        return null;
      });
      join(started.hostPortsPublished());
      long t4 = System.nanoTime();
      pod.timings(waitedNanos >= 0
          ? new PodTimings(0, ms(waitedNanos + t2 - t1), ms(t3 - t2), ms(t4 - t3), ms(started.nanos()))
          : new PodTimings(ms(started.imagesNanos()), ms(started.nanos() - started.imagesNanos() + t2 - t1),
              ms(t3 - t2), ms(t4 - t3)));
      return pod;
    } catch (RuntimeException e) {
      boolean interrupted = Thread.interrupted();
      try {
        settled(started.hostPortsPublished());
        pod.close();
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
      throw wrap(e, prepared.spec(), name);
    }
  }

  private static RuntimeException wrap(RuntimeException e, PodSpec spec, String name) {
    if (e instanceof PodgateException) {
      return e;
    }
    return new PodgateException(spec.origin() + ": creating pod '" + name + "' failed: " + e.getMessage(), e);
  }

  /**
   * A failed RunPodSandbox may leave a sandbox record with a network namespace and veth (containerd keeps
   * one whose CNI setup and teardown both failed); found by the pod's uid, it is removed like any pod.
   */
  private Optional<PodgateException> removeHalfMadeSandbox(PodSandboxConfig.Builder sandbox, String name) {
    String uid = sandbox.getMetadata().getUid();
    PodSandboxFilter.Builder filter = PodSandboxFilter.newBuilder();
    sessionLabels.forEach(filter::putLabelSelector);
    List<String> problems = new ArrayList<>();
    for (PodSandbox found : cri.listPodSandbox(filter.build())) {
      if (found.getMetadata().getUid().equals(uid)) {
        SandboxRemoval.Outcome o = SandboxRemoval.remove(cri, found.getId());
        if (!o.removed()) {
          problems.add(o.describe());
        }
      }
    }
    return problems.isEmpty() ? Optional.empty() : Optional.of(new PodgateException(
        "removing what the failed RunPodSandbox of pod '" + name + "' left: " + String.join("; ", problems)));
  }

  /** Runs {@code task} for each index in parallel; the first failure is thrown, the others suppressed. */
  private <T> List<T> parallel(List<?> items, Function<Integer, T> task) {
    if (items.size() == 1) {
      List<T> one = new ArrayList<>();
      one.add(task.apply(0));
      return one;
    }
    List<CompletableFuture<T>> futures = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      int index = i;
      futures.add(CompletableFuture.supplyAsync(() -> task.apply(index), executor));
    }
    List<T> results = new ArrayList<>();
    RuntimeException first = null;
    for (CompletableFuture<T> f : futures) {
      try {
        results.add(f.join());
      } catch (CompletionException e) {
        RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : e;
        if (first == null) {
          first = cause;
        } else {
          first.addSuppressed(cause);
        }
      }
    }
    if (first != null) {
      throw first;
    }
    return results;
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create log directory " + dir, e);
    }
  }

  private static long ms(long nanos) {
    return nanos / 1_000_000;
  }

  static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
    Map<String, String> m = new LinkedHashMap<>(a);
    m.putAll(b);
    return m;
  }

  static <K, V> Map<K, V> newMap() {
    return new HashMap<>();
  }
}
