package io.podgate.kubernetes.internal.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.podgate.PodgateException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pull secrets against fabric8's CRUD mock server (KubernetesPullSecretOnClusterTest covers a real cluster). */
@EnableKubernetesMockClient(crud = true)
class PullSecretsTest {
  static final String HOST = "reg.example:5000";
  static final String P = "podgate.registry." + HOST + ".";
  KubernetesClient client;

  @TempDir
  Path dir;

  @AfterEach
  void clear() {
    for (String k : List.of("username", "passwordFile", "passwordEnv")) {
      System.clearProperty(P + k);
    }
  }

  @Test
  void oneDockerConfigJsonSecretPerRegistryHostWithCredentials() throws Exception {
    Path password = Files.writeString(dir.resolve("pw"), "p\"w-42\n");
    System.setProperty(P + "username", "ci");
    System.setProperty(P + "passwordFile", password.toString());
    PullSecrets secrets = new PullSecrets(client, "s1");

    List<LocalObjectReference> refs = secrets.ensure("podgate-s1", List.of(HOST + "/app:1", HOST + "/other:2",
        "docker.io/library/busybox:1"));
    assertThat(refs).extracting(LocalObjectReference::getName).containsExactly("podgate-registry-reg-example-5000");
    Secret s = client.secrets().inNamespace("podgate-s1").withName("podgate-registry-reg-example-5000").get();
    assertThat(s.getType()).isEqualTo("kubernetes.io/dockerconfigjson");
    assertThat(s.getMetadata().getLabels()).containsEntry("io.podgate.session", "s1");
    JsonNode auth = new ObjectMapper().readTree(Base64.getDecoder().decode(s.getData().get(".dockerconfigjson")))
        .path("auths").path(HOST);
    assertThat(auth.path("username").asText()).isEqualTo("ci");
    assertThat(auth.path("password").asText()).isEqualTo("p\"w-42");
    assertThat(new String(Base64.getDecoder().decode(auth.path("auth").asText()), StandardCharsets.UTF_8)).isEqualTo("ci:p\"w-42");

    // made once: a second pod of the same registry reuses it, even one a parallel test made first
    assertThat(secrets.ensure("podgate-s1", List.of(HOST + "/app:1"))).hasSize(1);
    assertThat(new PullSecrets(client, "s1").ensure("podgate-s1", List.of(HOST + "/app:1"))).hasSize(1);
    assertThat(secrets.ensure("podgate-s1", List.of("docker.io/library/busybox:1"))).isEmpty();
  }

  @Test
  void aMissingPasswordSourceIsNamedAndNothingIsMade() {
    System.setProperty(P + "username", "ci");
    assertThatThrownBy(() -> new PullSecrets(client, "s1").ensure("podgate-s1", List.of(HOST + "/app:1")))
        .isInstanceOf(PodgateException.class)
        .hasMessageContaining("registry " + HOST + ": user 'ci' is set but no password source")
        .hasMessageContaining(P + "passwordEnv");
    assertThat(client.secrets().inNamespace("podgate-s1").list().getItems()).isEmpty();
  }
}
