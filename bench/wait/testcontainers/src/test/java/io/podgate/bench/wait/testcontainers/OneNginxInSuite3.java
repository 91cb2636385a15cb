package io.podgate.bench.wait.testcontainers;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

/** A copy of OneNginx, run inside a suite after it (Docker is up). */
@Testcontainers
@Order(4)
class OneNginxInSuite3 {
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
