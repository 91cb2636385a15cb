package io.podgate.internal.pod;

import io.podgate.Pod;
import io.podgate.internal.cri.v1.ContainerConfig;
import io.podgate.internal.cri.v1.PodSandboxConfig;
import io.podgate.internal.cri.v1.PodSandboxMetadata;
import io.podgate.internal.cri.v1.PortMapping;
import io.podgate.internal.pod.ContainerSpec.MountSpec;
import io.podgate.internal.pod.PodSpec.PortSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Checks what can be checked before anything is created. */
public final class SpecValidator {
  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

  private SpecValidator() {}

  public static void validate(PodSpec pod) {
    check(pod.origin(), "name", pod.name(), SpecValidator::podName);
    check(pod.origin(), "namespace", pod.namespace(), SpecValidator::podName);
    check(pod.origin(), "hostname", pod.hostname(), SpecValidator::hostname);
    check(pod.origin(), "logDirectory", pod.logDirectory(), SpecValidator::absolute);
    for (int i = 0; i < pod.dnsServers().size(); i++) {
      check(pod.origin(), "dnsServers[" + i + "]", pod.dnsServers().get(i), SpecValidator::ipLiteral);
    }
    for (int i = 0; i < pod.ports().size(); i++) {
      PortSpec p = pod.ports().get(i);
      String at = "ports[" + i + "]";
      check(pod.origin(), at + ".containerPort", p.containerPort(), SpecValidator::containerPort);
      check(pod.origin(), at + ".hostPort", p.hostPort(), SpecValidator::hostPort);
      check(pod.origin(), at + ".hostIp", p.hostIp(), SpecValidator::ipLiteral);
    }
    Set<String> seenPorts = new HashSet<>();
    for (PortSpec p : pod.ports()) {
      if (!seenPorts.add(p.protocol() + "/" + p.containerPort())) {
        throw new PodSpecException(pod.origin(), "ports: container port " + p.containerPort() + "/" + p.protocol() + " is mapped twice");
      }
    }
    Map<String, String> names = new HashMap<>();
    for (ContainerSpec c : pod.containers()) {
      validate(c);
      String earlier = names.putIfAbsent(c.name(), c.origin());
      if (earlier != null) {
        throw new PodSpecException(c.origin(), "duplicate container name \"" + c.name() + "\" in pod " + pod.origin()
            + " (also declared by " + earlier + "); give each container a unique name");
      }
    }
  }

  public static void validate(ContainerSpec c) {
    if (c.name().isEmpty()) {
      throw new PodSpecException(c.origin(), "name is empty; set name = \"...\"");
    }
    check(c.origin(), "name", c.name(), SpecValidator::containerName);
    check(c.origin(), "workingDir", c.workingDir(), SpecValidator::absolute);
    if (c.image().isBlank() && !c.config().present()) {
      throw new PodSpecException(c.origin(), "image is empty; set image = \"podgate:busybox\" (or podgate:nginx, podgate:debug, oci-archive:/path.tar, a registry reference)");
    }
    check(c.origin(), "memoryLimit", c.memoryLimit(), v -> v < 0 ? "is negative; use bytes, 0 for no limit" : null);
    for (int i = 0; i < c.mounts().size(); i++) {
      MountSpec m = c.mounts().get(i);
      check(c.origin(), "mounts[" + i + "].hostPath", m.hostPath(), SpecValidator::existingAbsolute);
      check(c.origin(), "mounts[" + i + "].containerPath", m.containerPath(), v -> v.startsWith("/") ? null : "must be absolute");
    }
    ContainerSpec.WaitSpec w = c.readiness();
    checkPort(c, "waitFor.tcpPort", w.tcpPort());
    checkPort(c, "waitFor.httpPort", w.httpPort());
    if (w.httpStatus() < 100 || w.httpStatus() > 599) {
      throw new PodSpecException(c.origin(), "waitFor.httpStatus = " + w.httpStatus() + " is not an HTTP status");
    }
    if (w.timeout().isNegative() || w.timeout().isZero()) {
      throw new PodSpecException(c.origin(), "waitFor.timeoutSeconds = " + w.timeout().toSeconds() + " must be positive");
    }
    if (!w.logRegex().isEmpty()) {
      try {
        Pattern.compile(w.logRegex());
      } catch (PatternSyntaxException e) {
        throw new PodSpecException(c.origin(), "waitFor.logRegex is not a valid regular expression: " + e.getDescription());
      }
    }
  }

  private static void checkPort(ContainerSpec c, String attribute, int port) {
    if (port < 0 || port > 65535) {
      throw new PodSpecException(c.origin(), attribute + " = " + port + " is out of range 1..65535 (0 for none)");
    }
  }

  // ---- crictl JSON: the same rules, named by file and JSON path ----

  /** Checks every value of a pod sandbox JSON that podgate uses, before anything is created. */
  public static void validateSandboxJson(String origin, ConfigRef ref, PodSandboxConfig c) {
    Json json = new Json(origin, ref);
    PodSandboxMetadata md = c.getMetadata();
    json.check("metadata.name", md.getName(), SpecValidator::podName);
    json.check("metadata.namespace", md.getNamespace(), SpecValidator::podName);
    json.check("hostname", c.getHostname(), SpecValidator::hostname);
    json.check("log_directory", c.getLogDirectory(), SpecValidator::absolute);
    for (int i = 0; i < c.getDnsConfig().getServersCount(); i++) {
      json.check("dns_config.servers[" + i + "]", c.getDnsConfig().getServers(i), SpecValidator::ipLiteral);
    }
    for (int i = 0; i < c.getDnsConfig().getSearchesCount(); i++) {
      json.check("dns_config.searches[" + i + "]", c.getDnsConfig().getSearches(i), SpecValidator::dnsSearch);
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < c.getPortMappingsCount(); i++) {
      PortMapping m = c.getPortMappings(i);
      String at = "port_mappings[" + i + "]";
      json.check(at + ".protocol", m.getProtocolValue(), v -> v >= 0 && v <= 2 ? null : "is not a protocol (0 TCP, 1 UDP, 2 SCTP)");
      json.check(at + ".container_port", m.getContainerPort(), SpecValidator::containerPort);
      json.check(at + ".host_port", m.getHostPort(), SpecValidator::hostPort);
      if (!m.getHostIp().isEmpty()) {
        json.check(at + ".host_ip", m.getHostIp(), SpecValidator::ipLiteral);
      }
      if (!seen.add(m.getProtocolValue() + "/" + m.getContainerPort())) {
        json.fail(at + ": container port " + m.getContainerPort() + "/" + m.getProtocol() + " is mapped twice");
      }
    }
  }

  /** Checks every value of a container JSON that podgate uses, before anything is created. */
  public static void validateContainerJson(String origin, ConfigRef ref, ContainerConfig c) {
    Json json = new Json(origin, ref);
    if (c.hasMetadata() && !c.getMetadata().getName().isEmpty()) {
      json.check("metadata.name", c.getMetadata().getName(), SpecValidator::containerName);
    }
    if (c.hasImage()) {
      json.check("image.image", c.getImage().getImage(), v -> v.isBlank() ? "is blank; name an image or drop the field" : null);
    }
    json.check("working_dir", c.getWorkingDir(), SpecValidator::absolute);
    for (int i = 0; i < c.getEnvsCount(); i++) {
      json.check("envs[" + i + "].key", c.getEnvs(i).getKey(), v -> v.isEmpty() ? "is empty" : null);
    }
    for (int i = 0; i < c.getMountsCount(); i++) {
      json.check("mounts[" + i + "].host_path", c.getMounts(i).getHostPath(), SpecValidator::existingAbsolute);
      json.check("mounts[" + i + "].container_path", c.getMounts(i).getContainerPath(),
          v -> v.startsWith("/") ? null : "must be absolute");
    }
    json.check("linux.resources.memory_limit_in_bytes", c.getLinux().getResources().getMemoryLimitInBytes(),
        v -> v < 0 ? "is negative; use bytes, 0 for no limit" : null);
  }

  /** Where a JSON value came from, for messages like {@code pod.json: port_mappings[0].container_port = 0 is ...}. */
  private record Json(String origin, ConfigRef ref) {
    <T> void check(String path, T value, java.util.function.Function<T, String> rule) {
      String problem = rule.apply(value);
      if (problem != null) {
        fail(path + " = " + quoted(value) + " " + problem);
      }
    }

    void fail(String what) {
      throw new PodSpecException(origin, ref.location() + ": " + what);
    }
  }

  private static String quoted(Object value) {
    return value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
  }

  private static <T> void check(String origin, String attribute, T value, java.util.function.Function<T, String> rule) {
    String problem = rule.apply(value);
    if (problem != null) {
      throw new PodSpecException(origin, attribute + " = " + quoted(value) + " " + problem);
    }
  }

  // ---- rules shared by annotations and JSON: null when fine, else what is wrong ("is ...", "must ...") ----

  static String containerPort(int port) {
    return port < 1 || port > 65535 ? "is out of range 1..65535" : null;
  }

  static String hostPort(int port) {
    return port < 0 || port > 65535 ? "is out of range 0..65535 (0 picks a free port)" : null;
  }

  static String ipLiteral(String s) {
    return isIpLiteral(s) ? null : "is not an IP address literal (e.g. 127.0.0.1)";
  }

  /** Pod names and namespaces: empty (not set) or a DNS subdomain, as Kubernetes and containerd's sandbox names take them. */
  static String podName(String s) {
    return s.isEmpty() || s.length() <= 253 && s.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?") ? null
        : "must be at most 253 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit";
  }

  static String containerName(String s) {
    return K8sNames.isDnsLabel(s) ? null
        : "must be at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit";
  }

  static String hostname(String s) {
    return s.isEmpty() || s.length() <= 63 && s.matches("[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?") ? null
        : "must be at most 63 letters, digits and '-', starting and ending with a letter or digit";
  }

  static String absolute(String s) {
    return s.isEmpty() || s.startsWith("/") ? null : "must be an absolute path";
  }

  static String existingAbsolute(String s) {
    return s.startsWith("/") && Files.exists(Path.of(s)) ? null : "must be an absolute path that exists";
  }

  static String dnsSearch(String s) {
    return !s.isBlank() && s.length() <= 253 && !s.matches(".*\\s.*") ? null : "is not a DNS search domain";
  }

  static boolean isIpLiteral(String s) {
    var m = IPV4.matcher(s);
    if (m.matches()) {
      for (int g = 1; g <= 4; g++) {
        if (Integer.parseInt(m.group(g)) > 255) {
          return false;
        }
      }
      return true;
    }
    return s.contains(":") && s.matches("[0-9a-fA-F:.]+");
  }

  /** Splits {@code key=value} pairs, failing with the attribute named. */
  public static Map<String, String> pairs(String origin, String attribute, String[] entries) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (int i = 0; i < entries.length; i++) {
      String e = entries[i];
      int eq = e.indexOf('=');
      if (eq <= 0) {
        throw new PodSpecException(origin, attribute + "[" + i + "] = \"" + e + "\" is not of the form KEY=VALUE");
      }
      out.put(e.substring(0, eq), e.substring(eq + 1));
    }
    return out;
  }
}
