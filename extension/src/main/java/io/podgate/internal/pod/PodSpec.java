package io.podgate.internal.pod;

import java.util.List;
import java.util.Map;

/**
 * What a pod should be, read from annotations. Empty strings mean "not set" (the config JSON or a
 * default decides). {@code origin} names where it was declared, for error messages.
 */
public record PodSpec(
    String origin,
    String name,
    String defaultName,
    String namespace,
    Map<String, String> labels,
    Map<String, String> annotations,
    String hostname,
    String logDirectory,
    List<String> dnsServers,
    List<String> dnsSearches,
    List<String> dnsOptions,
    List<PortSpec> ports,
    ConfigRef config,
    List<ContainerSpec> containers,
    boolean shareProcessNamespace) {

  public PodSpec {
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
    dnsServers = List.copyOf(dnsServers);
    dnsSearches = List.copyOf(dnsSearches);
    dnsOptions = List.copyOf(dnsOptions);
    ports = List.copyOf(ports);
    containers = List.copyOf(containers);
  }

  /** A pod whose containers each get their own PID namespace, as Kubernetes does by default. */
  public PodSpec(String origin, String name, String defaultName, String namespace, Map<String, String> labels,
      Map<String, String> annotations, String hostname, String logDirectory, List<String> dnsServers,
      List<String> dnsSearches, List<String> dnsOptions, List<PortSpec> ports, ConfigRef config,
      List<ContainerSpec> containers) {
    this(origin, name, defaultName, namespace, labels, annotations, hostname, logDirectory, dnsServers, dnsSearches,
        dnsOptions, ports, config, containers, false);
  }

  public PodSpec withContainers(List<ContainerSpec> more) {
    return new PodSpec(origin, name, defaultName, namespace, labels, annotations, hostname, logDirectory,
        dnsServers, dnsSearches, dnsOptions, ports, config, more, shareProcessNamespace);
  }

  /** A published port; {@code hostPort} 0 means pick a free one. */
  public record PortSpec(int containerPort, int hostPort, String hostIp, Protocol protocol) {}

  /** CRI protocol numbers. */
  public enum Protocol {
    TCP,
    UDP,
    SCTP
  }
}
