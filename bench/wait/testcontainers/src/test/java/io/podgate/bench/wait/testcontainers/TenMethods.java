package io.podgate.bench.wait.testcontainers;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

/** Ten methods, a new nginx container for each (an instance field). */
@Testcontainers
@Order(5)
class TenMethods {
  @Container
  GenericContainer<?> nginx = new GenericContainer<>(DockerImageName.parse("podgate/nginx:1"))
      .withExposedPorts(80)
      .waitingFor(new FastHttpWait());

  @Test
  void m01() throws Exception {
    Http.get200(nginx.getHost(), nginx.getMappedPort(80));
  }

  @Test
  void m02() throws Exception {
    Http.get200(nginx.getHost(), nginx.getMappedPort(80));
  }

  @Test
  void m03() throws Exception {
    Http.get200(nginx.getHost(), nginx.getMappedPort(80));
  }

  @Test
  void m04() throws Exception {
    Http.get200(nginx.getHost(), nginx.getMappedPort(80));
  }

  @Test
  void m05() throws Exception {
    Http.get200(nginx.getHost(), nginx.getMappedPort(80));
  }

  @Test
  void m06() throws Exception {
    Http.get200(nginx.getHost(), nginx.getMappedPort(80));
  }

  @Test
  void m07() throws Exception {
    Http.get200(nginx.getHost(), nginx.getMappedPort(80));
  }

  @Test
  void m08() throws Exception {
    Http.get200(nginx.getHost(), nginx.getMappedPort(80));
  }

  @Test
  void m09() throws Exception {
    Http.get200(nginx.getHost(), nginx.getMappedPort(80));
  }

  @Test
  void m10() throws Exception {
    Http.get200(nginx.getHost(), nginx.getMappedPort(80));
  }
}
