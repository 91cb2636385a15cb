package io.podgate.internal.image;

import io.podgate.internal.runtime.ContainerdOptions;
import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.internal.cri.CriClient;
import io.podgate.ExecResult;
import io.podgate.internal.cri.v1.ContainerConfig;
import io.podgate.internal.cri.v1.ContainerMetadata;
import io.podgate.internal.cri.v1.ContainerState;
import io.podgate.internal.cri.v1.Image;
import io.podgate.internal.cri.v1.ImageSpec;
import io.podgate.internal.cri.v1.LinuxPodSandboxConfig;
import io.podgate.internal.cri.v1.PodSandboxConfig;
import io.podgate.internal.cri.v1.PodSandboxMetadata;
import io.podgate.internal.runtime.EmbeddedContainerd;
import io.podgate.testsupport.RequiresContainerd;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images imported with {@link OciArchiveImporter} are used by containerd's CRI plugin at once:
 * ImageStatus sees them, the pause image backs pod sandboxes, containers run from them.
 * Bridge pgimg0, pod subnet 10.202.0.0/24.
 */
@RequiresContainerd
class ImageCriTest {
  @TempDir static Path cache;
  private static EmbeddedContainerd containerd;
  private static StandardImages images;
  private static OciArchiveImporter importer;

  @BeforeAll
  static void start() {
    containerd = EmbeddedContainerd.start(ContainerdOptions.builder()
        .name("img-a")
        .bridgeName("pgimg0")
        .podSubnet("10.202.0.0/24")
        .baseDir(TestContainerd.BASE.resolve("cri-" + UUID.randomUUID().toString().substring(0, 8)))
        .sandboxImage(StandardImages.PAUSE_REFERENCE)
        .build());
    images = new StandardImages(cache);
    importer = new OciArchiveImporter(containerd.cri().channel(), containerd.cri().endpoint());
    importer.importArchive(images.pause().archive(), StandardImages.PAUSE_REFERENCE);
  }

  @AfterAll
  static void stop() {
    if (containerd != null) {
      containerd.close();
    }
  }

  private static CriClient cri() {
    return containerd.cri();
  }

  @Test
  void importedImageIsKnownToCriWithItsConfigDigestAsId() throws Exception {
    BuiltImage busybox = images.busybox();
    importer.importImage(busybox);

    Image image = cri().imageStatus(busybox.reference()).orElseThrow(
        () -> new AssertionError("CRI ImageStatus does not know " + busybox.reference() + " after import"));
    String configDigest = ImageRootfs.manifest(busybox).path("config").path("digest").asText();
    assertThat(image.getId()).isEqualTo(configDigest);
    assertThat(image.getRepoTagsList()).contains(busybox.reference());
    assertThat(image.getSize()).isPositive();
    assertThat(cri().listImages()).extracting(Image::getId).contains(configDigest);
  }

  @Test
  void podOnImportedPauseRunsImportedBusyboxAndStopsCleanlyOnTerm() {
    BuiltImage busybox = images.busybox();
    importer.importImage(busybox);
    PodSandboxConfig pod = pod("busybox-pod");
    String podId = cri().runPodSandbox(pod);
    try {
      String id = cri().createContainer(podId, container("sh", busybox.reference(),
          List.of("/bin/sh", "-c", StandardImages.SLEEP_FOREVER_SCRIPT)), pod);
      cri().startContainer(id);
      ExecResult r = cri().execSync(id, List.of("sh", "-c", "echo $((6*7)); ls /bin/busybox"), Duration.ofSeconds(20));
      assertThat(r.exitCode()).as("exec stderr: %s", r.stderr()).isZero();
      assertThat(r.stdout()).isEqualTo("42\n/bin/busybox\n");

      cri().stopContainer(id, Duration.ofSeconds(30));
      var status = cri().containerStatus(id).getStatus();
      assertThat(status.getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
      assertThat(status.getExitCode()).as("the sleep loop exits 0 on TERM (not killed)").isZero();
      cri().removeContainer(id);
    } finally {
      cri().stopPodSandbox(podId);
      cri().removePodSandbox(podId);
    }
  }

  @Test
  void nginxFromImportedImageServesItsKnownBodyOnThePodIp() throws Exception {
    BuiltImage nginx = images.nginx();
    importer.importImage(nginx);
    PodSandboxConfig pod = pod("nginx-pod");
    String podId = cri().runPodSandbox(pod);
    try {
      String id = cri().createContainer(podId, container("nginx", nginx.reference(), List.of()), pod);
      cri().startContainer(id);
      String ip = cri().podSandboxStatus(podId).getStatus().getNetwork().getIp();
      assertThat(ip).startsWith("10.202.0.");
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      HttpResponse<String> response = null;
      Exception last = null;
      for (int i = 0; i < 100 && response == null; i++) {
        try {
          response = http.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":" + StandardImages.NGINX_PORT + "/"))
              .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
          last = e;
          Thread.sleep(100);
        }
      }
      assertThat(response).as("nginx at %s never answered: %s", ip, last).isNotNull();
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo(StandardImages.NGINX_INDEX_BODY);
      HttpResponse<byte[]> payload = http.send(HttpRequest.newBuilder(
              URI.create("http://" + ip + StandardImages.NGINX_PAYLOAD_PATH)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(payload.body()).isEqualTo(StandardImages.payload());
      cri().stopContainer(id, Duration.ofSeconds(30));
      cri().removeContainer(id);
    } finally {
      cri().stopPodSandbox(podId);
      cri().removePodSandbox(podId);
    }
  }

  static PodSandboxConfig pod(String name) {
    return PodSandboxConfig.newBuilder()
        .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("podgate-images")
            .setUid(UUID.randomUUID().toString()))
        .setHostname(name)
        .setLinux(LinuxPodSandboxConfig.getDefaultInstance())
        .build();
  }

  static ContainerConfig container(String name, String image, List<String> command) {
    return ContainerConfig.newBuilder()
        .setMetadata(ContainerMetadata.newBuilder().setName(name))
        .setImage(ImageSpec.newBuilder().setImage(image))
        .addAllCommand(command)
        .build();
  }
}
