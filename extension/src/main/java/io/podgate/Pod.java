package io.podgate;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A running pod created by podgate. {@link #name()} and {@link #namespace()} are what the test declared, the same
 * on every backend, so test code does not change with {@code podgate.backend}; where the pod really is, is
 * {@link #id()} and {@link #toString()}: on the Kubernetes backends the object is {@code <name>-<6 hex>} in the
 * session's namespace {@code podgate-<session>} (also labelled {@code io.podgate.pod=<name>}).
 */
public interface Pod {
  /** The runtime's id of the pod: the CRI pod sandbox id, or on the Kubernetes backends the Pod's {@code metadata.uid}. */
  String id();

  /** The declared name ({@code @PodSandbox} name, or {@code metadata.name} of its crictl JSON). */
  String name();

  /** The declared namespace (CRI metadata; {@code @PodSandbox} namespace or its crictl JSON), not a cluster namespace. */
  String namespace();

  /** The pod's IP address on the pod network. */
  String ip();

  InetAddress inetAddress();

  /** Host port a TCP container port is published on; fails if the port is not mapped. */
  int hostPort(int containerPort);

  List<Container> containers();

  /** The container of that name; fails naming the containers there are. */
  Container container(String name);

  Path logDirectory();

  Map<String, String> labels();

  /** The node of {@link PodgateNodes} the pod runs on; empty for a pod of the default runtime. */
  Optional<NodeInfo> node();
}
