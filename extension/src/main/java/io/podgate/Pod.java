package io.podgate;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A running pod created by podgate. */
public interface Pod {
  /** CRI pod sandbox id. */
  String id();

  String name();

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
