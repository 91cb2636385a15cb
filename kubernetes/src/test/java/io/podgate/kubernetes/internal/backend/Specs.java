package io.podgate.kubernetes.internal.backend;

import io.podgate.internal.pod.ConfigRef;
import io.podgate.internal.pod.ContainerSpec;
import io.podgate.internal.pod.ContainerSpec.WaitSpec;
import io.podgate.internal.pod.PodSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Pod and container specs as the JUnit layer reads them from annotations, for tests. */
final class Specs {
  private Specs() {}

  static PodSpec pod(String name, ContainerSpec... containers) {
    return new PodSpec("@PodSandbox " + name, name, name, "", Map.of(), Map.of(), "", "", List.of(), List.of(), List.of(),
        List.of(), ConfigRef.NONE, List.of(containers), false);
  }

  static PodSpec podFromJson(String json, List<PodSpec.PortSpec> ports, ContainerSpec... containers) {
    return new PodSpec("@PodSandbox pod", "", "pod", "", Map.of(), Map.of(), "", "", List.of(), List.of(), List.of(),
        ports, new ConfigRef(json, Specs.class.getClassLoader()), List.of(containers), false);
  }

  static ContainerSpec container(String name, String image) {
    return container(name, image, WaitSpec.running());
  }

  static ContainerSpec container(String name, String image, WaitSpec wait) {
    return new ContainerSpec("@CriContainer " + name, name, name, image, List.of(), List.of(), Map.of(), "", List.of(),
        false, 0, ConfigRef.NONE, wait);
  }

  static WaitSpec http(String path, int port, int status) {
    return new WaitSpec(0, path, port, status, "", List.of(), Duration.ofSeconds(30));
  }
}
