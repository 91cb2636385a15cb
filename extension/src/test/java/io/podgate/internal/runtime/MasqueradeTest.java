package io.podgate.internal.runtime;

import io.podgate.internal.host.FileTrees;
import io.podgate.internal.host.HostCommand;
import io.podgate.internal.host.IptablesCleanup;
import io.podgate.internal.host.Ipv4Subnet;
import io.podgate.Pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.internal.cri.CriClient;
import io.podgate.internal.cri.KubeletDefaults;
import io.podgate.internal.cri.v1.ContainerConfig;
import io.podgate.internal.cri.v1.ContainerMetadata;
import io.podgate.internal.cri.v1.ImageSpec;
import io.podgate.internal.cri.v1.PodSandboxConfig;
import io.podgate.internal.cri.v1.PodSandboxMetadata;
import io.podgate.internal.image.BuiltImage;
import io.podgate.internal.image.OciArchiveImporter;
import io.podgate.internal.image.StandardImages;
import io.podgate.testsupport.RequiresContainerd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pod traffic leaving the pod subnet is masqueraded by the daemon's one subnet rule, and traffic to
 * the subnet keeps the pod's address. The "outside" is a network namespace this test makes, on a
 * private /30 that has no route back to the pods: an unmasqueraded request would get no answer.
 */
@RequiresContainerd
class MasqueradeTest {
  private static final Path IMAGE_CACHE = Path.of("/tmp/pg-cri/images");
  private static final String NETNS = "pgmsq-out";
  private static final String HOST_VETH = "pgmsqh";
  private static final String HOST_ADDRESS = "10.203.9.1";
  private static final String OUTSIDE_ADDRESS = "10.203.9.2";
  private static final String SUBNET = "10.203.0.0/24";

  @Test
  void podTrafficLeavingTheSubnetIsMasqueradedAndTheRuleGoesWithTheDaemon() throws Exception {
    StandardImages images = new StandardImages(IMAGE_CACHE);
    BuiltImage pause = images.pause();
    BuiltImage busybox = images.busybox();
    Path www = Files.createTempDirectory("pgmsq-www");
    Process server = null;
    EmbeddedContainerd d = EmbeddedContainerd.start(ContainerdOptions.builder()
        .name("masq").bridgeName("pgmsq0").podSubnet(SUBNET).sandboxImage(pause.reference()).build());
    long pid = d.pid();
    Path base = d.baseDir();
    try {
      assertThat(IptablesCleanup.leftovers(Ipv4Subnet.parse(SUBNET))).as("the subnet rule, before any pod")
          .anySatisfy(rule -> assertThat(rule).contains("-j PODGATE-MASQ-"));
      host("ip", "netns", "add", NETNS);
      host("ip", "link", "add", HOST_VETH, "type", "veth", "peer", "name", HOST_VETH + "o");
      host("ip", "link", "set", HOST_VETH + "o", "netns", NETNS);
      host("ip", "addr", "add", HOST_ADDRESS + "/30", "dev", HOST_VETH);
      host("ip", "link", "set", HOST_VETH, "up");
      host("ip", "-n", NETNS, "addr", "add", OUTSIDE_ADDRESS + "/30", "dev", HOST_VETH + "o");
      host("ip", "-n", NETNS, "link", "set", HOST_VETH + "o", "up");
      Files.createDirectories(www.resolve("cgi-bin"));
      Path peer = Files.writeString(www.resolve("cgi-bin/peer"),
          "#!/bin/busybox sh\necho Content-Type: text/plain\necho\necho $REMOTE_ADDR\n");
      peer.toFile().setExecutable(true);
      server = new ProcessBuilder("nsenter", "--net=/var/run/netns/" + NETNS, "--", "/bin/busybox", "httpd", "-f",
          "-p", OUTSIDE_ADDRESS + ":8080", "-h", www.toString()).redirectErrorStream(true).start();

      CriClient cri = d.cri();
      OciArchiveImporter importer = new OciArchiveImporter(cri.channel(), cri.endpoint());
      importer.importArchive(pause.archive(), pause.reference());
      importer.importArchive(busybox.archive(), busybox.reference());
      PodSandboxConfig pod = PodSandboxConfig.newBuilder()
          .setMetadata(PodSandboxMetadata.newBuilder().setName("client").setNamespace("podgate").setUid("masq-1"))
          .build();
      String podId = cri.runPodSandbox(pod);
      String podIp = cri.podSandboxStatus(podId).getStatus().getNetwork().getIp();
      String id = cri.createContainer(podId, ContainerConfig.newBuilder()
          .setMetadata(ContainerMetadata.newBuilder().setName("client"))
          .setImage(ImageSpec.newBuilder().setImage(busybox.reference()))
          .addAllCommand(List.of("sleep", "3600"))
          .setLinux(KubeletDefaults.ownPidNamespace())
          .build(), pod);
      cri.startContainer(id);

      var seen = cri.execSync(id, List.of("wget", "-q", "-O", "-", "http://" + OUTSIDE_ADDRESS + ":8080/cgi-bin/peer"),
          Duration.ofSeconds(20));
      assertThat(seen.exitCode()).as("wget from pod %s: %s", podIp, seen.stderr()).isZero();
      assertThat(seen.stdout().strip()).as("the outside sees the host's address, not pod %s", podIp)
          .isEqualTo(HOST_ADDRESS);
      List<String> perPod = IptablesCleanup.leftovers(Ipv4Subnet.parse(SUBNET)).stream()
          .filter(rule -> rule.contains(podIp + "/32")).toList();
      assertThat(perPod).as("no per-pod masquerade chain").isEmpty();
    } finally {
      if (server != null) {
        server.destroy();
        server.waitFor();
      }
      HostCommand.run(List.of("ip", "link", "del", HOST_VETH));
      HostCommand.run(List.of("ip", "netns", "del", NETNS));
      FileTrees.delete(www);
      d.close();
    }
    EmbeddedContainerdTest.assertLeftNothing(pid, base, "pgmsq0", SUBNET);
    assertThat(Path.of("/var/run/netns", NETNS)).doesNotExist();
    assertThat(Path.of("/sys/class/net", HOST_VETH)).doesNotExist();
  }

  private static void host(String... command) {
    HostCommand.run(List.of(command)).orThrow(String.join(" ", command));
  }
}
