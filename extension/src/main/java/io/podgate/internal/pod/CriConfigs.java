package io.podgate.internal.pod;

import io.podgate.internal.host.PodgateLabels;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.podgate.internal.cri.v1.ContainerConfig;
import io.podgate.internal.cri.v1.ContainerMetadata;
import io.podgate.internal.cri.v1.DNSConfig;
import io.podgate.internal.cri.v1.ImageSpec;
import io.podgate.internal.cri.v1.KeyValue;
import io.podgate.internal.cri.v1.Mount;
import io.podgate.internal.cri.v1.NamespaceMode;
import io.podgate.internal.cri.v1.PodSandboxConfig;
import io.podgate.internal.cri.v1.PodSandboxMetadata;
import io.podgate.internal.cri.v1.PortMapping;
import io.podgate.internal.cri.v1.Protocol;
import io.podgate.internal.pod.ContainerSpec.MountSpec;
import io.podgate.internal.pod.PodSpec.PortSpec;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Builds CRI configs from crictl-style JSON (if any) overlaid with annotation values. */
public final class CriConfigs {

  private CriConfigs() {}

  /** Parses crictl-style snake_case JSON; an unknown field fails naming it. */
  public static <B extends Message.Builder> B parse(ConfigRef ref, String origin, B builder) {
    String json = ref.read(origin, "config");
    try {
      JsonFormat.parser().merge(json, builder);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new PodSpecException(origin, "config = \"" + ref.location() + "\" is not a valid "
          + builder.getDescriptorForType().getName() + " JSON: " + e.getMessage()
          + " (fields are CRI runtime.v1 names in snake_case, as crictl writes them)");
    }
    return builder;
  }

  /**
   * The sandbox config before host ports are settled and session labels are added. Every JSON value is
   * checked first ({@link SpecValidator#validateSandboxJson}); the uid is always a fresh one.
   */
  public static PodSandboxConfig.Builder sandbox(PodSpec spec) {
    PodSandboxConfig.Builder b = PodSandboxConfig.newBuilder();
    boolean pidInJson = false;
    if (spec.config().present()) {
      parse(spec.config(), spec.origin(), b);
      SpecValidator.validateSandboxJson(spec.origin(), spec.config(), b.build());
      pidInJson = setsPidNamespace(spec.config(), spec.origin());
    }
    NamespaceMode pid = b.getLinux().getSecurityContext().getNamespaceOptions().getPid();
    if (spec.shareProcessNamespace()) {
      if (pidInJson && pid != NamespaceMode.POD) {
        throw new PodSpecException(spec.origin(), "shareProcessNamespace = true, but config \""
            + spec.config().location() + "\" sets linux.security_context.namespace_options.pid to " + pid
            + "; drop one of the two");
      }
      pid = NamespaceMode.POD;
    } else if (!pidInJson) {
      pid = NamespaceMode.CONTAINER;
    }
    b.getLinuxBuilder().getSecurityContextBuilder().getNamespaceOptionsBuilder().setPid(pid);
    PodSandboxMetadata.Builder md = b.getMetadataBuilder();
    md.setName(first(spec.name(), md.getName(), K8sNames.dnsLabel(spec.defaultName(), "pod")));
    md.setNamespace(first(spec.namespace(), md.getNamespace(), "default"));
    // Each pod gets a fresh uid, as the kubelet gives each pod object one: a uid fixed in a JSON would make
    // pods made from it collide in containerd (it reserves name_namespace_uid_attempt). The JSON's stays visible.
    if (!md.getUid().isEmpty()) {
      b.putAnnotations(PodgateLabels.CONFIG_UID, md.getUid());
    }
    md.setUid(UUID.randomUUID().toString());
    if (!spec.hostname().isEmpty()) {
      b.setHostname(spec.hostname());
    }
    if (!spec.logDirectory().isEmpty()) {
      b.setLogDirectory(spec.logDirectory());
    }
    if (!spec.dnsServers().isEmpty() || !spec.dnsSearches().isEmpty() || !spec.dnsOptions().isEmpty()) {
      DNSConfig.Builder dns = b.getDnsConfigBuilder();
      if (!spec.dnsServers().isEmpty()) {
        dns.clearServers().addAllServers(spec.dnsServers());
      }
      if (!spec.dnsSearches().isEmpty()) {
        dns.clearSearches().addAllSearches(spec.dnsSearches());
      }
      if (!spec.dnsOptions().isEmpty()) {
        dns.clearOptions().addAllOptions(spec.dnsOptions());
      }
    }
    List<PortMapping> ports = new ArrayList<>(b.getPortMappingsList());
    for (PortSpec p : spec.ports()) {
      Protocol protocol = Protocol.forNumber(p.protocol().ordinal());
      ports.removeIf(m -> m.getContainerPort() == p.containerPort() && m.getProtocol() == protocol);
      ports.add(PortMapping.newBuilder().setContainerPort(p.containerPort()).setHostPort(p.hostPort())
          .setHostIp(p.hostIp()).setProtocol(protocol).build());
    }
    b.clearPortMappings().addAllPortMappings(ports);
    b.putAllLabels(spec.labels());
    b.putAllAnnotations(spec.annotations());
    return b;
  }

  /**
   * The container spec with its name settled (annotation, else JSON, else field or image name). Its PID
   * namespace follows the pod's ({@code podPid}: own for CONTAINER, shared for POD, the host's for NODE)
   * unless its JSON sets one, as the kubelet does.
   */
  public static ContainerConfig.Builder container(ContainerSpec spec, NamespaceMode podPid) {
    ContainerConfig.Builder b = ContainerConfig.newBuilder();
    boolean pidInJson = false;
    if (spec.config().present()) {
      parse(spec.config(), spec.origin(), b);
      SpecValidator.validateContainerJson(spec.origin(), spec.config(), b.build());
      pidInJson = setsPidNamespace(spec.config(), spec.origin());
    }
    if (!pidInJson) {
      b.getLinuxBuilder().getSecurityContextBuilder().getNamespaceOptionsBuilder().setPid(podPid);
    }
    ContainerMetadata.Builder md = b.getMetadataBuilder();
    md.setName(first(spec.name(), md.getName(), K8sNames.dnsLabel(spec.fallbackName(), "container")));
    if (!spec.image().isBlank()) {
      b.setImage(ImageSpec.newBuilder().setImage(spec.image()));
    }
    if (!spec.command().isEmpty()) {
      b.clearCommand().addAllCommand(spec.command());
    }
    if (!spec.args().isEmpty()) {
      b.clearArgs().addAllArgs(spec.args());
    }
    if (!spec.workingDir().isEmpty()) {
      b.setWorkingDir(spec.workingDir());
    }
    Map<String, String> env = new LinkedHashMap<>();
    b.getEnvsList().forEach(kv -> env.put(kv.getKey(), kv.getValue()));
    env.putAll(spec.env());
    b.clearEnvs();
    env.forEach((k, v) -> b.addEnvs(KeyValue.newBuilder().setKey(k).setValue(v)));
    for (MountSpec m : spec.mounts()) {
      b.addMounts(Mount.newBuilder().setHostPath(m.hostPath()).setContainerPath(m.containerPath()).setReadonly(m.readOnly()));
    }
    if (spec.privileged()) {
      b.getLinuxBuilder().getSecurityContextBuilder().setPrivileged(true);
    }
    if (spec.memoryLimit() > 0) {
      b.getLinuxBuilder().getResourcesBuilder().setMemoryLimitInBytes(spec.memoryLimit());
    }
    return b;
  }

  /** Whether the JSON names linux.security_context.namespace_options.pid (snake or camel case). */
  static boolean setsPidNamespace(ConfigRef ref, String origin) {
    JsonNode node;
    try {
      node = new ObjectMapper().readTree(ref.read(origin, "config"));
    } catch (JsonProcessingException e) {
      return false; // parse() has already named what is wrong with it
    }
    for (String[] field : new String[][] {{"linux"}, {"security_context", "securityContext"},
        {"namespace_options", "namespaceOptions"}, {"pid"}}) {
      JsonNode next = null;
      for (String name : field) {
        if (node != null && node.has(name)) {
          next = node.get(name);
        }
      }
      node = next;
    }
    return node != null && !node.isNull();
  }

  static String first(String... candidates) {
    for (String c : candidates) {
      if (c != null && !c.isEmpty()) {
        return c;
      }
    }
    return "";
  }
}
