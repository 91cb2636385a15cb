package io.podgate.kubernetes.internal.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.podgate.PodgateException;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeClientsTest {
  @TempDir
  Path dir;

  @Test
  void theKubeconfigIsFoundAsKubectlFindsIt() {
    assertThat(KubeClients.source(Map.of("podgate.kubernetes.kubeconfig", "/a", "user.home", "/h")::get,
        Map.of("KUBECONFIG", "/b")::get).file()).isEqualTo(Path.of("/a"));
    assertThat(KubeClients.source(Map.of("user.home", "/h")::get, Map.of("KUBECONFIG", "/b:/c")::get).file())
        .isEqualTo(Path.of("/b"));
    assertThat(KubeClients.source(Map.of("user.home", "/h")::get, k -> null).file()).isEqualTo(Path.of("/h/.kube/config"));
  }

  @Test
  void aMissingKubeconfigSaysWhereItLooked() {
    assertThatThrownBy(() -> KubeClients.open(new KubeClients.Source(dir.resolve("none"), "the test"), Optional.empty()))
        .isInstanceOf(PodgateException.class).hasMessageContaining("found no kubeconfig at " + dir.resolve("none"))
        .hasMessageContaining("podgate.kubernetes.kubeconfig");
  }

  @Test
  void anUnknownContextListsTheKnownOnes() throws IOException {
    Path kubeconfig = kubeconfig("https://127.0.0.1:1");
    assertThatThrownBy(() -> KubeClients.open(new KubeClients.Source(kubeconfig, "the test"), Optional.of("prod")))
        .isInstanceOf(PodgateException.class)
        .hasMessageContaining("context \"prod\" (system property podgate.kubernetes.context) is not in kubeconfig")
        .hasMessageContaining("[dev]");
  }

  @Test
  void anUnreachableApiServerIsNamed() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    Path kubeconfig = kubeconfig("https://127.0.0.1:" + port);
    assertThatThrownBy(() -> KubeClients.open(new KubeClients.Source(kubeconfig, "the test"), Optional.of("dev")))
        .isInstanceOf(PodgateException.class)
        .hasMessageContaining("the Kubernetes API server https://127.0.0.1:" + port)
        .hasMessageContaining("context dev")
        .hasMessageContaining("is not reachable");
  }

  @Test
  void rbacForbiddenSaysWhatToGrant() {
    var e = KubeClients.failure("creating namespace podgate-x", new io.fabric8.kubernetes.client.KubernetesClientException(
        new StatusBuilder().withCode(403).withMessage("namespaces is forbidden: User \"ci\" cannot create resource"
            + " \"namespaces\" in API group \"\" at the cluster scope").build()));
    assertThat(e.getMessage()).startsWith("creating namespace podgate-x was forbidden by the cluster's RBAC: namespaces is"
        + " forbidden: User \"ci\" cannot create").contains("Grant the kubeconfig's user that permission");
  }

  @Test
  void anExceededQuotaIsNotCalledRbac() {
    var e = KubeClients.failure("creating pod 'web'", new io.fabric8.kubernetes.client.KubernetesClientException(
        new StatusBuilder().withCode(403).withMessage("pods \"web-1\" is forbidden: exceeded quota: pods, requested:"
            + " pods=1, used: pods=2, limited: pods=2").build()));
    assertThat(e.getMessage()).startsWith("creating pod 'web' was refused by a ResourceQuota: pods \"web-1\" is forbidden:"
        + " exceeded quota").doesNotContain("RBAC");
  }

  @Test
  void forbiddenFromAServerSurfacesWhenANamespaceIsMade() {
    KubernetesMockServer server = new KubernetesMockServer(false);
    server.init();
    try (KubernetesClient client = server.createClient()) {
      server.expect().post().withPath("/api/v1/namespaces").andReturn(403, new StatusBuilder().withCode(403)
          .withReason("Forbidden").withMessage("namespaces is forbidden: User \"ci\" cannot create resource \"namespaces\"")
          .build()).always();
      assertThatThrownBy(() -> new SessionNamespace(client, "s1").ensure())
          .isInstanceOf(PodgateException.class)
          .hasMessageContaining("creating namespace podgate-s1 was forbidden by the cluster's RBAC")
          .hasMessageContaining("User \"ci\" cannot create resource \"namespaces\"");
    } finally {
      server.destroy();
    }
  }

  private Path kubeconfig(String server) throws IOException {
    Path f = dir.resolve("kubeconfig");
    Files.writeString(f, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: c
          cluster:
            server: %s
            insecure-skip-tls-verify: true
        users:
        - name: u
          user:
            token: t
        contexts:
        - name: dev
          context:
            cluster: c
            user: u
        current-context: dev
        """.formatted(server));
    return f;
  }
}
