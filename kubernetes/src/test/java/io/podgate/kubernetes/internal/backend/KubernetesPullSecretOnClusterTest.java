package io.podgate.kubernetes.internal.backend;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.podgate.internal.backend.BackendLease;
import io.podgate.internal.backend.PodBackends;
import io.podgate.internal.backend.PodHandle;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.image.OciArchiveImporter;
import io.podgate.internal.pod.ConfigRef;
import io.podgate.internal.pod.ContainerSpec;
import io.podgate.internal.pod.PodgateSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backend {@code kubernetes} on the real local cluster with credentials for a registry (podgate.registry.*): the
 * session's namespace holds that registry's dockerconfigjson secret and the pod names it in imagePullSecrets. The
 * image is already on the node under the registry's name (IfNotPresent), so no registry is contacted.
 */
@Tag("containerd")
class KubernetesPullSecretOnClusterTest {
  static final String HOST = "127.0.0.1:5999";
  static final String P = "podgate.registry." + HOST + ".";

  @TempDir
  Path dir;

  @Test
  void podsPullingFromARegistryWithCredentialsUseItsPullSecret() throws Exception {
    String image = HOST + "/podgate/busybox:1";
    try (BackendLease local = PodBackends.acquire(); PodgateSession.Lease session = PodgateSession.acquire()) {
      CriClient cri = session.session().cri();
      new OciArchiveImporter(cri.channel(), cri.endpoint()).importArchive(session.session().images().busybox().archive(), image);
      KubernetesClient admin = ((KubernetesPodBackend) local.backend()).client();
      System.setProperty(P + "username", "ci");
      System.setProperty(P + "passwordFile", Files.writeString(dir.resolve("pw"), "s3cret-77").toString());
      KubernetesPodBackend remote = new KubernetesPodBackend(admin, KubernetesBackendProvider.newSessionId(), "test",
          new NodeImages(admin), false, false, null, Map.of());
      try (PodHandle pod = remote.create(remote.plan(Specs.pod("pulled", new ContainerSpec("@CriContainer c", "c", "c", image,
          List.of("sleep", "3600"), List.of(), Map.of(), "", List.of(), false, 0, ConfigRef.NONE,
          ContainerSpec.WaitSpec.running()))), Map.of())) {
        String name = PullSecrets.name(HOST);
        Secret secret = admin.secrets().inNamespace(remote.namespace()).withName(name).get();
        assertThat(secret).as("secret " + name + " in " + remote.namespace()).isNotNull();
        assertThat(secret.getType()).isEqualTo("kubernetes.io/dockerconfigjson");
        assertThat(new ObjectMapper().readTree(Base64.getDecoder().decode(secret.getData().get(".dockerconfigjson")))
            .path("auths").path(HOST).path("username").asText()).isEqualTo("ci");
        Pod object = admin.pods().inNamespace(remote.namespace()).withLabel(PodTranslator.POD_LABEL, "pulled").list()
            .getItems().get(0);
        assertThat(object.getSpec().getImagePullSecrets()).extracting(LocalObjectReference::getName).containsExactly(name);
        assertThat(object.getSpec().getContainers().get(0).getImage()).isEqualTo(image);
        assertThat(pod.containers().get(0).exec("echo", "ran").stdout()).isEqualTo("ran\n");
        assertThat(remote.describe() + pod + remote.notices()).doesNotContain("s3cret-77");
      } finally {
        remote.close();
        System.clearProperty(P + "username");
        System.clearProperty(P + "passwordFile");
      }
    }
  }
}
