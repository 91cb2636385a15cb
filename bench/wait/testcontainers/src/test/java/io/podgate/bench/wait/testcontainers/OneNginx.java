package io.podgate.bench.wait.testcontainers;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

/** One nginx container for the class: the class a user runs alone (and the warm-up of a suite). */
@Testcontainers
@Order(1)
class OneNginx {
  @Container
  static GenericContainer<?> nginx = new GenericContainer<>(DockerImageName.parse("podgate/nginx:1"))
      .withExposedPorts(80)
      .waitingFor(new FastHttpWait());

  @Test
  void answers() throws Exception {
    Http.get200(nginx.getHost(), nginx.getMappedPort(80));
    Http.ready(getClass());
  }
}
