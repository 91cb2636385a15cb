package io.podgate.internal.pod;

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
    for (int i = 0; i < pod.ports().size(); i++) {
      PortSpec p = pod.ports().get(i);
      String at = "ports[" + i + "]";
      if (p.containerPort() < 1 || p.containerPort() > 65535) {
        throw new PodSpecException(pod.origin(), at + ".containerPort = " + p.containerPort() + " is out of range 1..65535");
      }
      if (p.hostPort() < 0 || p.hostPort() > 65535) {
        throw new PodSpecException(pod.origin(), at + ".hostPort = " + p.hostPort() + " is out of range 0..65535 (0 picks a free port)");
      }
      if (!isIpLiteral(p.hostIp())) {
        throw new PodSpecException(pod.origin(), at + ".hostIp = \"" + p.hostIp() + "\" is not an IP address literal (e.g. 127.0.0.1)");
      }
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
    if (!c.name().matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
      throw new PodSpecException(c.origin(), "name = \"" + c.name() + "\" must be lower-case letters, digits and '-'");
    }
    if (c.image().isBlank() && !c.config().present()) {
      throw new PodSpecException(c.origin(), "image is empty; set image = \"podgate:busybox\" (or podgate:nginx, podgate:debug, oci-archive:/path.tar, a registry reference)");
    }
    if (c.memoryLimit() < 0) {
      throw new PodSpecException(c.origin(), "memoryLimit = " + c.memoryLimit() + " is negative; use bytes, 0 for no limit");
    }
    for (int i = 0; i < c.mounts().size(); i++) {
      MountSpec m = c.mounts().get(i);
      if (!Path.of(m.hostPath()).isAbsolute() || !Files.exists(Path.of(m.hostPath()))) {
        throw new PodSpecException(c.origin(), "mounts[" + i + "].hostPath = \"" + m.hostPath() + "\" must be an absolute path that exists");
      }
      if (!m.containerPath().startsWith("/")) {
        throw new PodSpecException(c.origin(), "mounts[" + i + "].containerPath = \"" + m.containerPath() + "\" must be absolute");
      }
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
