package io.podgate.internal.runtime;

import io.podgate.internal.host.HostProcesses;
import io.podgate.internal.host.IptablesCleanup;
import io.podgate.internal.host.Ipv4Subnet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.podgate.internal.cri.CriClient;
import io.podgate.internal.cri.CriException;
import io.podgate.ExecResult;
import io.podgate.internal.cri.v1.ContainerConfig;
import io.podgate.internal.cri.v1.ContainerFilter;
import io.podgate.internal.cri.v1.ContainerMetadata;
import io.podgate.internal.cri.v1.ContainerState;
import io.podgate.internal.cri.v1.ImageSpec;
import io.podgate.internal.cri.v1.PodSandboxConfig;
import io.podgate.internal.cri.v1.PodSandboxMetadata;
import io.podgate.internal.cri.v1.PodSandboxState;
import io.podgate.internal.cri.v1.PortMapping;
import io.podgate.internal.cri.v1.Protocol;
import io.podgate.internal.image.BuiltImage;
import io.podgate.internal.image.OciArchiveImporter;
import io.podgate.internal.image.StandardImages;
import io.podgate.testsupport.RequiresContainerd;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** One real pod on an embedded containerd: busybox httpd reached by pod IP and by a host port on 127.0.0.1. */
@RequiresContainerd
class FoundationPodTest {
  private static final Path IMAGE_CACHE = Path.of("/tmp/pg-cri/images");
  private final HttpClient http = HttpClient.newBuilder()
      .proxy(HttpClient.Builder.NO_PROXY)
      .connectTimeout(Duration.ofSeconds(2))
      .build();

  @Test
  void podServesHttpByPodIpAndHostPortAndExecWorks() throws Exception {
    StandardImages images = new StandardImages(IMAGE_CACHE);
    BuiltImage pause = images.pause();
    BuiltImage busybox = images.busybox();
    int hostPort = freeLocalPort();
    String token = "podgate-" + UUID.randomUUID();

    // raw CRI, no podgate provisioner: the runtime's CNI chain must publish the host port
    EmbeddedContainerd d = EmbeddedContainerd.start(
        EmbeddedContainerdTest.first().sandboxImage(pause.reference()).cniPortmap(true).build());
    long pid = d.pid();
    Path base = d.baseDir();
    List<Long> shims = new ArrayList<>();
    try {
      CriClient cri = d.cri();
      OciArchiveImporter importer = new OciArchiveImporter(cri.channel(), cri.endpoint());
      importer.importArchive(pause.archive(), pause.reference());
      importer.importArchive(busybox.archive(), busybox.reference());
      assertThat(cri.imageStatus(busybox.reference())).isPresent();

      Path logs = Files.createDirectories(base.resolve("pod-logs/web"));
      PodSandboxConfig podConfig = PodSandboxConfig.newBuilder()
          .setMetadata(PodSandboxMetadata.newBuilder()
              .setName("web").setNamespace("podgate").setUid(UUID.randomUUID().toString()))
          .setHostname("web")
          .setLogDirectory(logs.toString())
          .addPortMappings(PortMapping.newBuilder()
              .setProtocol(Protocol.TCP).setContainerPort(80).setHostPort(hostPort).setHostIp("127.0.0.1"))
          .build();
      String podId = cri.runPodSandbox(podConfig);
      var podStatus = cri.podSandboxStatus(podId).getStatus();
      assertThat(podStatus.getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
      String podIp = podStatus.getNetwork().getIp();
      assertThat(d.options().podSubnet().contains(podIp)).as("pod IP %s in %s", podIp, d.options().podSubnet())
          .isTrue();
      assertThat(Path.of("/sys/class/net/pgcri0")).exists();

      ContainerConfig httpd = ContainerConfig.newBuilder()
          .setMetadata(ContainerMetadata.newBuilder().setName("httpd"))
          .setImage(ImageSpec.newBuilder().setImage(busybox.reference()))
          .addAllCommand(List.of("sh", "-c",
              "mkdir -p /www && echo " + token + " > /www/index.html && exec httpd -f -p 80 -h /www"))
          .setLogPath("httpd.log")
          .build();
      String containerId = cri.createContainer(podId, httpd, podConfig);
      cri.startContainer(containerId);
      assertThat(cri.containerStatus(containerId).getStatus().getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
      shims.addAll(d.shimPids());
      assertThat(shims).as("shims of this daemon while a pod runs").isNotEmpty();

      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
          .untilAsserted(() -> assertThat(get("http://" + podIp + ":80/index.html")).isEqualTo(token + "\n"));
      assertThat(get("http://127.0.0.1:" + hostPort + "/index.html")).isEqualTo(token + "\n");

      ExecResult r = cri.execSync(containerId, List.of("sh", "-c", "echo to-out; echo to-err >&2; exit 3"),
          Duration.ofSeconds(10));
      assertThat(r.exitCode()).isEqualTo(3);
      assertThat(r.stdout()).isEqualTo("to-out\n");
      assertThat(r.stderr()).isEqualTo("to-err\n");
      assertThat(cri.execSync(containerId, List.of("cat", "/www/index.html"), Duration.ofSeconds(10)).stdout())
          .isEqualTo(token + "\n");

      CriException late = catchThrowableOfType(CriException.class,
          () -> cri.execSync(containerId, List.of("sleep", "30"), Duration.ofSeconds(1)));
      assertThat(late.operation()).isEqualTo("ExecSync");
      assertThat(late.getMessage()).contains(containerId).contains("[sleep, 30]").contains("timeout 1s")
          .contains(d.socket().toString()).contains("outlived its timeout");

      assertThat(cri.containerStats(containerId).getAttributes().getId()).isEqualTo(containerId);

      String unknown = "podgate.local/no-such-image:1";
      assertThat(cri.imageStatus(unknown)).isEmpty();
      CriException missing = catchThrowableOfType(CriException.class, () -> cri.createContainer(podId,
          httpd.toBuilder().setMetadata(ContainerMetadata.newBuilder().setName("ghost"))
              .setImage(ImageSpec.newBuilder().setImage(unknown)).build(), podConfig));
      assertThat(missing.operation()).isEqualTo("CreateContainer");
      assertThat(missing.getMessage()).contains(unknown).contains("'ghost'").contains("import or pull it first");
      assertThat(cri.listContainers(ContainerFilter.newBuilder().setPodSandboxId(podId).build()))
          .extracting(c -> c.getMetadata().getName())
          .containsExactly("httpd");
    } finally {
      d.close();
    }
    for (long shim : shims) {
      // a shim's exit is reaped by init, not by us: allow it a moment
      await().atMost(Duration.ofSeconds(10)).untilAsserted(
          () -> assertThat(HostProcesses.alive(shim)).as("shim %d after close", shim).isFalse());
    }
    EmbeddedContainerdTest.assertLeftNothing(pid, base, "pgcri0", "10.201.0.0/24");
  }

  @Test
  void closeAfterTheDaemonDiedStillRemovesItsPodsNetworkAndProcesses() throws Exception {
    StandardImages images = new StandardImages(IMAGE_CACHE);
    BuiltImage pause = images.pause();
    int hostPort = freeLocalPort();
    EmbeddedContainerd d = EmbeddedContainerd.start(
        EmbeddedContainerdTest.second().sandboxImage(pause.reference()).cniPortmap(true).build());
    long pid = d.pid();
    Path base = d.baseDir();
    List<Long> shims;
    List<Long> podProcesses = new ArrayList<>();
    Path netns;
    String podId;
    try {
      new OciArchiveImporter(d.cri().channel(), d.cri().endpoint()).importArchive(pause.archive(), pause.reference());
      PodSandboxConfig podConfig = PodSandboxConfig.newBuilder()
          .setMetadata(PodSandboxMetadata.newBuilder().setName("orphan").setNamespace("podgate").setUid("orphan-1"))
          .addPortMappings(PortMapping.newBuilder().setContainerPort(80).setHostPort(hostPort).setHostIp("127.0.0.1"))
          .build();
      podId = d.cri().runPodSandbox(podConfig);
      String info = d.cri().podSandboxStatus(podId, true).getInfoOrDefault("info", "");
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"(/var/run/netns/[^\"]+)\"").matcher(info);
      assertThat(m.find()).as("netns path in verbose pod status").isTrue();
      netns = Path.of(m.group(1));
      assertThat(netns).exists();
      assertThat(IptablesCleanup.leftovers(Ipv4Subnet.parse("10.201.1.0/24"))).isNotEmpty();
      shims = d.shimPids();
      assertThat(shims).isNotEmpty();
      for (long shim : shims) {
        ProcessHandle.of(shim).ifPresent(h -> h.descendants().forEach(p -> podProcesses.add(p.pid())));
      }
      assertThat(podProcesses).as("pause process under the shim").isNotEmpty();

      ProcessHandle.of(pid).orElseThrow().destroyForcibly();
      await().atMost(Duration.ofSeconds(10)).until(() -> !HostProcesses.alive(pid));
    } finally {
      d.close();
    }
    for (long p : concat(shims, podProcesses)) {
      await().atMost(Duration.ofSeconds(10)).untilAsserted(
          () -> assertThat(HostProcesses.alive(p)).as("process %d after close", p).isFalse());
    }
    assertThat(netns).doesNotExist();
    if (Files.isDirectory(Path.of("/var/lib/cni/results"))) { // gone with the last runtime when podgate made it
      try (var cached = Files.list(Path.of("/var/lib/cni/results"))) {
        assertThat(cached.map(f -> f.getFileName().toString())).noneMatch(n -> n.contains(podId));
      }
    }
    EmbeddedContainerdTest.assertLeftNothing(pid, base, "pgcri1", "10.201.1.0/24");
  }

  private static List<Long> concat(List<Long> a, List<Long> b) {
    List<Long> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private String get(String url) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s", url).isEqualTo(200);
    return response.body();
  }

  private static int freeLocalPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
