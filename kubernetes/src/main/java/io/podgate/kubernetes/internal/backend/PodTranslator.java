package io.podgate.kubernetes.internal.backend;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodDNSConfigBuilder;
import io.fabric8.kubernetes.api.model.PodDNSConfigOption;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.podgate.internal.cri.v1.ContainerConfig;
import io.podgate.internal.cri.v1.NamespaceMode;
import io.podgate.internal.cri.v1.PodSandboxConfig;
import io.podgate.internal.pod.ContainerSpec;
import io.podgate.internal.pod.ContainerSpec.WaitSpec;
import io.podgate.internal.pod.CriConfigs;
import io.podgate.internal.pod.K8sNames;
import io.podgate.internal.pod.PodSpec;
import io.podgate.internal.pod.PodSpecException;
import io.podgate.internal.pod.SpecValidator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a {@link PodSpec} into a Kubernetes Pod. Values are checked as on the CRI backend first; then
 * anything without a Pod equivalent (an annotation attribute or a field of a crictl JSON) is refused by
 * name, before anything is created: {@code "<origin>: <field> is not supported on the kubernetes backend"}.
 */
final class PodTranslator {
  /** Annotation: the pod's declared name (the object's name carries a suffix so parallel pods of one name can coexist). */
  static final String NAME_ANNOTATION = "io.podgate.pod-name";
  /** Annotation: the pod's declared namespace (CRI metadata); the object lives in the session's namespace. */
  static final String NAMESPACE_ANNOTATION = "io.podgate.pod-namespace";
  /** Label: the declared pod name, as a label value. */
  static final String POD_LABEL = "io.podgate.pod";

  /** crictl pod sandbox JSON paths with a Pod equivalent ({@code []} for any index). */
  private static final Set<String> SANDBOX_FIELDS = Set.of("metadata.name", "metadata.namespace", "metadata.uid",
      "metadata.attempt", "hostname", "dns_config.servers", "dns_config.searches", "dns_config.options",
      "port_mappings[].protocol", "port_mappings[].container_port", "port_mappings[].host_port",
      "port_mappings[].host_ip", "labels", "annotations", "linux.security_context.namespace_options.network",
      "linux.security_context.namespace_options.pid", "linux.security_context.namespace_options.ipc");
  /** crictl container JSON paths with a container equivalent. */
  private static final Set<String> CONTAINER_FIELDS = Set.of("metadata.name", "metadata.attempt", "image.image",
      "command", "args", "working_dir", "envs[].key", "envs[].value", "mounts[].host_path", "mounts[].container_path",
      "mounts[].readonly", "linux.resources.memory_limit_in_bytes", "linux.security_context.privileged");
  private static final Pattern LABEL_NAME = Pattern.compile("([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
      + "[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");

  /**
   * @param hostPathMounts whether mounts may become hostPath volumes (a local cluster, or the user opted in)
   * @param activeDeadlineSeconds set on every pod, so a pod a dead session left stops by itself
   */
  record Options(boolean hostPathMounts, long activeDeadlineSeconds) {}

  private final Options options;

  PodTranslator(Options options) {
    this.options = options;
  }

  KubePlan translate(PodSpec spec) {
    String origin = spec.origin();
    SpecValidator.validate(spec.withContainers(List.of()));
    if (!spec.logDirectory().isEmpty()) {
      throw unsupported(origin, "logDirectory", "the kubelet keeps container logs under /var/log/pods; read them"
          + " with Container.logs()");
    }
    if (spec.config().present()) {
      PodSandboxConfig.Builder raw = CriConfigs.parse(spec.config(), origin, PodSandboxConfig.newBuilder());
      refuseFields(origin, spec.config().location(), raw.build(), SANDBOX_FIELDS);
    }
    PodSandboxConfig.Builder sandbox = CriConfigs.sandbox(spec);
    String name = sandbox.getMetadata().getName();
    var ns = sandbox.getLinux().getSecurityContext().getNamespaceOptions();
    for (var e : Map.of("network", ns.getNetwork(), "ipc", ns.getIpc()).entrySet()) {
      if (e.getValue() == NamespaceMode.CONTAINER || e.getValue() == NamespaceMode.TARGET) {
        throw unsupported(origin, "linux.security_context.namespace_options." + e.getKey() + " = " + e.getValue(),
            "a Pod has one " + e.getKey() + " namespace (POD) or the node's (NODE)");
      }
    }
    if (ns.getPid() == NamespaceMode.TARGET) {
      throw unsupported(origin, "linux.security_context.namespace_options.pid = TARGET", "use POD, CONTAINER or NODE");
    }
    List<PodSpec.PortSpec> ports = new ArrayList<>();
    for (int i = 0; i < sandbox.getPortMappingsCount(); i++) {
      var m = sandbox.getPortMappings(i);
      PodSpec.Protocol protocol = PodSpec.Protocol.values()[m.getProtocolValue()];
      if (protocol != PodSpec.Protocol.TCP) {
        throw unsupported(origin, "ports[" + i + "].protocol = " + protocol, "@HostPort is a port-forward, which carries TCP only");
      }
      ports.add(new PodSpec.PortSpec(m.getContainerPort(), m.getHostPort(),
          m.getHostIp().isEmpty() ? "127.0.0.1" : m.getHostIp(), protocol));
    }
    Map<String, String> labels = new LinkedHashMap<>(sandbox.getLabelsMap());
    labels.forEach((k, v) -> checkLabel(origin, k, v));
    labels.put(POD_LABEL, K8sNames.labelValue(name));
    Map<String, String> annotations = new LinkedHashMap<>(sandbox.getAnnotationsMap());
    annotations.keySet().forEach(k -> checkKey(origin, "annotations", k));
    annotations.put(NAME_ANNOTATION, name);
    annotations.put(NAMESPACE_ANNOTATION, sandbox.getMetadata().getNamespace());

    PodBuilder pod = new PodBuilder().withNewMetadata().withLabels(labels).withAnnotations(annotations).endMetadata();
    var podSpec = pod.withNewSpec()
        .withRestartPolicy("Never")
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withTerminationGracePeriodSeconds(1L)
        .withActiveDeadlineSeconds(options.activeDeadlineSeconds())
        .withShareProcessNamespace(ns.getPid() == NamespaceMode.POD ? Boolean.TRUE : null)
        .withHostPID(ns.getPid() == NamespaceMode.NODE ? Boolean.TRUE : null)
        .withHostNetwork(ns.getNetwork() == NamespaceMode.NODE ? Boolean.TRUE : null)
        .withHostIPC(ns.getIpc() == NamespaceMode.NODE ? Boolean.TRUE : null);
    String group = ApartPlacement.group(labels);
    if (group != null) {
      podSpec.withAffinity(ApartPlacement.antiAffinity(group));
    }
    String hostname = sandbox.getHostname().isEmpty() && K8sNames.isDnsLabel(name) ? name : sandbox.getHostname();
    if (!hostname.isEmpty()) {
      podSpec.withHostname(hostname.toLowerCase(java.util.Locale.ROOT));
    }
    var dns = sandbox.getDnsConfig();
    if (dns.getServersCount() + dns.getSearchesCount() + dns.getOptionsCount() > 0) {
      if (dns.getServersCount() > 0) {
        podSpec.withDnsPolicy("None"); // the pod's resolv.conf gets exactly these, as under CRI
      }
      List<PodDNSConfigOption> opts = new ArrayList<>();
      for (String o : dns.getOptionsList()) {
        int colon = o.indexOf(':');
        opts.add(new PodDNSConfigOption(colon < 0 ? o : o.substring(0, colon), colon < 0 ? null : o.substring(colon + 1)));
      }
      podSpec.withDnsConfig(new PodDNSConfigBuilder().withNameservers(dns.getServersList())
          .withSearches(dns.getSearchesList()).withOptions(opts).build());
    }
    List<String> hostNamespaces = new ArrayList<>();
    if (ns.getNetwork() == NamespaceMode.NODE) {
      hostNamespaces.add("network");
    }
    if (ns.getPid() == NamespaceMode.NODE) {
      hostNamespaces.add("pid");
    }
    if (ns.getIpc() == NamespaceMode.NODE) {
      hostNamespaces.add("ipc");
    }

    List<KubePlan.ContainerPlan> plans = new ArrayList<>();
    List<ContainerSpec> named = new ArrayList<>();
    List<Volume> volumes = new ArrayList<>();
    for (ContainerSpec c : spec.containers()) {
      if (c.config().present()) {
        ContainerConfig.Builder raw = CriConfigs.parse(c.config(), c.origin(), ContainerConfig.newBuilder());
        refuseFields(c.origin(), c.config().location(), raw.build(), CONTAINER_FIELDS);
      }
      ContainerConfig.Builder cfg = CriConfigs.container(c, ns.getPid());
      ContainerSpec withName = c.withName(cfg.getMetadata().getName());
      String image = c.image().isBlank() ? cfg.getImage().getImage() : c.image();
      if (image.isBlank()) {
        throw new PodSpecException(c.origin(), "image is empty (neither the annotation nor config \""
            + c.config().location() + "\" names one); set image = \"podgate:busybox\" or another image");
      }
      named.add(withName);
      ContainerBuilder k = new ContainerBuilder().withName(withName.name())
          .withCommand(cfg.getCommandList().isEmpty() ? null : cfg.getCommandList())
          .withArgs(cfg.getArgsList().isEmpty() ? null : cfg.getArgsList());
      List<EnvVar> env = new ArrayList<>();
      cfg.getEnvsList().forEach(kv -> env.add(new EnvVar(kv.getKey(), kv.getValue(), null)));
      if (!env.isEmpty()) {
        k.withEnv(env);
      }
      if (!cfg.getWorkingDir().isEmpty()) {
        k.withWorkingDir(cfg.getWorkingDir());
      }
      if (cfg.getLinux().getSecurityContext().getPrivileged()) {
        k.withNewSecurityContext().withPrivileged(true).endSecurityContext();
      }
      long memory = cfg.getLinux().getResources().getMemoryLimitInBytes();
      if (memory > 0) {
        Quantity q = new Quantity(Long.toString(memory));
        k.withNewResources().addToLimits("memory", q).addToRequests("memory", q).endResources();
      }
      List<VolumeMount> mounts = new ArrayList<>();
      for (int i = 0; i < cfg.getMountsCount(); i++) {
        var m = cfg.getMounts(i);
        if (!options.hostPathMounts()) {
          throw unsupported(c.origin(), "mounts[" + i + "] (hostPath " + m.getHostPath() + ")",
              "a host path of this machine is not on the cluster's nodes; use podgate.backend = local-cluster, or set "
                  + KubernetesPodBackend.HOST_PATH_PROPERTY + " = true when the nodes have that path");
        }
        String volume = "m" + volumes.size() + "-" + K8sNames.dnsLabel(withName.name(), "c");
        volume = volume.length() > 63 ? volume.substring(0, 63).replaceAll("-+$", "") : volume;
        volumes.add(new VolumeBuilder().withName(volume).withNewHostPath().withPath(m.getHostPath()).endHostPath().build());
        mounts.add(new VolumeMountBuilder().withName(volume).withMountPath(m.getContainerPath())
            .withReadOnly(m.getReadonly() ? Boolean.TRUE : null).build());
      }
      if (!mounts.isEmpty()) {
        k.withVolumeMounts(mounts);
      }
      WaitSpec w = c.readiness();
      Probe probe = probe(w);
      if (probe != null) {
        k.withReadinessProbe(probe);
      }
      podSpec.addToContainers(k.build());
      plans.add(new KubePlan.ContainerPlan(withName.name(), c.origin(), image, w));
    }
    SpecValidator.validate(spec.withContainers(named));
    if (!volumes.isEmpty()) {
      podSpec.withVolumes(volumes);
    }
    podSpec.endSpec();
    return new KubePlan(origin, name, sandbox.getMetadata().getNamespace(), pod.build(), plans, ports, hostNamespaces);
  }

  /**
   * The readiness probe for a wait: an HTTP GET when an HTTP path is set and its status is one Kubernetes counts
   * as ready (200-399), else a TCP connect to the HTTP or TCP port, else the exec command. What the probe cannot
   * say (an exact status, a log line, a second condition) is checked by podgate after the probe passes.
   */
  static Probe probe(WaitSpec w) {
    ProbeBuilder p = new ProbeBuilder().withPeriodSeconds(1).withTimeoutSeconds(2).withSuccessThreshold(1)
        .withFailureThreshold(Integer.MAX_VALUE);
    if (!w.httpPath().isEmpty() && w.httpStatus() >= 200 && w.httpStatus() < 400) {
      String path = w.httpPath().startsWith("/") ? w.httpPath() : "/" + w.httpPath();
      return p.withNewHttpGet().withPath(path).withNewPort(w.effectiveHttpPort()).endHttpGet().build();
    }
    if (!w.httpPath().isEmpty()) {
      return p.withNewTcpSocket().withNewPort(w.effectiveHttpPort()).endTcpSocket().build();
    }
    if (w.tcpPort() != 0) {
      return p.withNewTcpSocket().withNewPort(w.tcpPort()).endTcpSocket().build();
    }
    if (!w.exec().isEmpty()) {
      return p.withNewExec().withCommand(w.exec()).endExec().build();
    }
    return null;
  }

  static PodSpecException unsupported(String origin, String field, String why) {
    return new PodSpecException(origin, field + " is not supported on the kubernetes backend (" + why + ")");
  }

  /** Refuses every field set in {@code message} whose path is not in {@code allowed}, naming file and JSON path. */
  static void refuseFields(String origin, String location, Message message, Set<String> allowed) {
    List<String> refused = new ArrayList<>();
    walk(message, "", allowed, refused);
    if (!refused.isEmpty()) {
      throw new PodSpecException(origin, location + ": " + String.join(", ", refused)
          + (refused.size() == 1 ? " is" : " are") + " not supported on the kubernetes backend (no Pod equivalent;"
          + " drop " + (refused.size() == 1 ? "it" : "them") + " from the file). Fields it translates: "
          + allowed.stream().sorted().toList());
    }
  }

  private static void walk(Message m, String prefix, Set<String> allowed, List<String> refused) {
    for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
      FieldDescriptor f = e.getKey();
      String path = prefix.isEmpty() ? f.getName() : prefix + "." + f.getName();
      if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !f.isMapField()) {
        if (f.isRepeated()) {
          List<?> items = (List<?>) e.getValue();
          for (int i = 0; i < items.size(); i++) {
            walkItem((Message) items.get(i), path, i, allowed, refused);
          }
        } else {
          walk((Message) e.getValue(), path, allowed, refused);
        }
      } else if (!allowed.contains(path.replaceAll("\\[\\d+]", "[]"))) {
        refused.add(path);
      }
    }
  }

  private static void walkItem(Message item, String path, int index, Set<String> allowed, List<String> refused) {
    walk(item, path + "[" + index + "]", allowed, refused);
  }

  private static void checkLabel(String origin, String key, String value) {
    checkKey(origin, "labels", key);
    if (!K8sNames.isLabelValue(value)) {
      throw new PodSpecException(origin, "labels: value \"" + value + "\" of \"" + key + "\" is not a Kubernetes"
          + " label value (at most 63 letters, digits, '-', '_', '.', starting and ending alphanumeric)");
    }
  }

  private static void checkKey(String origin, String what, String key) {
    if (key.length() > 316 || !LABEL_NAME.matcher(key).matches()) {
      throw new PodSpecException(origin, what + ": key \"" + key + "\" is not a Kubernetes " + what.replaceAll("s$", "")
          + " key ([prefix/]name: name at most 63 letters, digits, '-', '_', '.')");
    }
  }

  static Container find(io.fabric8.kubernetes.api.model.Pod pod, String name) {
    return pod.getSpec().getContainers().stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
  }
}
