package io.podgate.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.internal.cri.CriClient;
import io.podgate.internal.cri.v1.ContainerConfig;
import io.podgate.internal.cri.v1.ContainerMetadata;
import io.podgate.internal.cri.v1.ImageSpec;
import io.podgate.internal.cri.v1.PodSandboxConfig;
import io.podgate.internal.cri.v1.PodSandboxMetadata;
import io.podgate.internal.cri.v1.PodSandboxState;
import io.podgate.internal.host.FileTrees;
import io.podgate.internal.host.HostCommand;
import io.podgate.internal.host.IptablesCleanup;
import io.podgate.internal.host.Ipv4Subnet;
import io.podgate.internal.host.SandboxRemoval;
import io.podgate.internal.image.BuiltImage;
import io.podgate.internal.image.OciArchiveImporter;
import io.podgate.internal.image.StandardImages;
import io.podgate.testsupport.RequiresContainerd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A running pod whose network teardown the runtime cannot do (its CNI bridge plugin refuses DEL from
 * then on): containerd refuses StopPodSandbox, so podgate removes the pod's network namespace (and with
 * it the veth), its CNI result cache and any rule naming its address itself, and says the runtime's
 * record stays. Once the plugin works again the daemon's close removes that record and leaves nothing.
 */
@RequiresContainerd
class SandboxRemovalFallbackTest {
  private static final String BRIDGE = "pgrmv0";
  private static final String SUBNET = "10.212.0.0/24";
  private static final Pattern NETNS = Pattern.compile("\"(/var/run/netns/[^\"]+)\"");

  @Test
  void aPodTheRuntimeCannotTearDownIsRemovedFromTheHostByPodgate() throws Exception {
    StandardImages images = new StandardImages(StandardImages.defaultCacheDir());
    BuiltImage pause = images.pause();
    BuiltImage busybox = images.busybox();
    Path plugins = Files.createTempDirectory("pgrmv-cni");
    for (String plugin : CniBinDir.REQUIRED_PLUGINS) {
      Files.copy(CniBinDir.find().resolve(plugin), plugins.resolve(plugin),
          StandardCopyOption.COPY_ATTRIBUTES);
    }
    EmbeddedContainerd d = EmbeddedContainerd.start(ContainerdOptions.builder().name("rmv").bridgeName(BRIDGE)
        .podSubnet(SUBNET).cniBinDir(plugins).sandboxImage(pause.reference()).build());
    long pid = d.pid();
    Path base = d.baseDir();
    try {
      CriClient cri = d.cri();
      OciArchiveImporter importer = new OciArchiveImporter(cri.channel(), cri.endpoint());
      importer.importArchive(pause.archive(), pause.reference());
      importer.importArchive(busybox.archive(), busybox.reference());
      PodSandboxConfig pod = PodSandboxConfig.newBuilder()
          .setMetadata(PodSandboxMetadata.newBuilder().setName("stuck").setNamespace("podgate")
              .setUid(UUID.randomUUID().toString()))
          .build();
      String podId = cri.runPodSandbox(pod);
      String containerId = cri.createContainer(podId, ContainerConfig.newBuilder()
          .setMetadata(ContainerMetadata.newBuilder().setName("sleeper"))
          .setImage(ImageSpec.newBuilder().setImage(busybox.reference()))
          .addAllCommand(List.of("sleep", "3600")).build(), pod);
      cri.startContainer(containerId);
      var status = cri.podSandboxStatus(podId, true);
      String podIp = status.getStatus().getNetwork().getIp();
      Matcher m = NETNS.matcher(status.getInfoOrDefault("info", ""));
      assertThat(m.find()).as("the sandbox's network namespace in its status").isTrue();
      Path netns = Path.of(m.group(1));
      assertThat(netns).exists();
      assertThat(vethsOn(BRIDGE)).as("the pod's veth").hasSize(1);
      assertThat(cniCachesOf(podId)).as("CNI's result cache of the pod").isNotEmpty();

      Path bridge = plugins.resolve("bridge");
      Path original = plugins.resolve("bridge.real");
      Files.move(bridge, original);
      Files.writeString(bridge, "#!/bin/sh\necho '{\"cniVersion\":\"0.4.0\",\"code\":999,\"msg\":\"bridge DEL refused by the test\"}'\n"
          + "exit 1\n");
      Files.setPosixFilePermissions(bridge, PosixFilePermissions.fromString("rwxr-xr-x"));

      SandboxRemoval.Outcome o = SandboxRemoval.remove(cri, podId);
      assertThat(o.removed()).as("the runtime refused").isFalse();
      assertThat(o.runtimeError()).hasMessageContaining("bridge DEL refused by the test");
      assertThat(o.hostProblems()).as("what podgate could not remove").isEmpty();
      assertThat(o.describe()).contains("podgate removed its network namespace, veth, iptables rules and CNI caches itself");
      assertThat(netns).doesNotExist();
      assertThat(vethsOn(BRIDGE)).as("the veth went with the namespace").isEmpty();
      assertThat(cniCachesOf(podId)).isEmpty();
      assertThat(IptablesCleanup.leftovers(Ipv4Subnet.parse(SUBNET))).as("rules naming the pod's address")
          .noneMatch(rule -> rule.contains(podIp));
      assertThat(cri.podSandboxStatus(podId).getStatus().getState()).as("only the runtime's record stays")
          .isEqualTo(PodSandboxState.SANDBOX_NOTREADY);

      Files.move(original, bridge, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      d.close();
      FileTrees.delete(plugins);
    }
    EmbeddedContainerdTest.assertLeftNothing(pid, base, BRIDGE, SUBNET);
  }

  private static List<String> vethsOn(String bridge) {
    return HostCommand.run(List.of("ip", "-o", "link", "show", "master", bridge)).output().lines()
        .filter(l -> l.contains("veth")).toList();
  }

  private static List<Path> cniCachesOf(String podId) throws Exception {
    Path dir = Path.of("/var/lib/cni/results");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(f -> f.getFileName().toString().contains(podId)).toList();
    }
  }
}
