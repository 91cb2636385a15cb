package io.podgate.reliability;

import io.podgate.internal.runtime.ContainerdOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.podgate.internal.image.OciArchiveImporter;
import io.podgate.internal.image.StandardImages;
import io.podgate.internal.pod.ConfigRef;
import io.podgate.internal.pod.ContainerSpec;
import io.podgate.internal.pod.PodSpec;
import io.podgate.internal.pod.PodgateSession;
import io.podgate.internal.runtime.EmbeddedContainerd;
import io.podgate.internal.host.Ipv4Subnet;
import io.podgate.testsupport.Faults;
import io.podgate.testsupport.HostState;
import io.podgate.testsupport.RequiresContainerd;
import io.podgate.testsupport.SessionProbe;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import io.podgate.internal.pod.HostPorts;
import io.podgate.internal.pod.PodProvisioner;
import io.podgate.internal.pod.SessionImages;
import org.junit.jupiter.api.Test;

/**
 * containerd's root on a small tmpfs that fills up: importing an image, and creating a container
 * after the image is in, fail saying the disk is full and where; afterwards the tmpfs is unmounted
 * and nothing is left.
 */
@RequiresContainerd
class DiskFullTest {
  static final String BRIDGE = "pgrl21";
  static final Path MOUNT_LOCK_DIR = Path.of("/run/mount");

  @Test
  void fullRootSaysDiskFullAndWhere() throws Exception {
    Path mount = Path.of(System.getProperty("podgate.workdir", "/tmp/podgate-test")).resolve("full-" + ProcessHandle.current().pid());
    Ipv4Subnet subnet = Ipv4Subnet.parse(System.getProperty("podgate.test.extraSubnet", "10.210.1.0/24"));
    Files.createDirectories(mount);
    boolean mountLockDirWasThere = Files.exists(MOUNT_LOCK_DIR);
    assertThat(HostState.run("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mount.toString())).isEmpty();
    EmbeddedContainerd daemon = null;
    String importFailure;
    String createFailure;
    SessionProbe.Seen seen;
    Path logs = mount.resolveSibling("full-logs-" + ProcessHandle.current().pid());
    try {
      daemon = EmbeddedContainerd.start(ContainerdOptions.builder().name("diskfull").bridgeName(BRIDGE)
          .podSubnet(subnet.toString()).baseDir(mount.resolve("cd")).sandboxImage(StandardImages.PAUSE_REFERENCE).build());
      StandardImages images = new StandardImages(StandardImages.defaultCacheDir());
      OciArchiveImporter importer = new OciArchiveImporter(daemon.cri().channel(), daemon.cri().endpoint());
      importer.importArchive(images.pause().archive(), StandardImages.PAUSE_REFERENCE);
      importer.importArchive(images.busybox().archive(), StandardImages.BUSYBOX_REFERENCE);
      fill(mount.resolve("filler"));

      importFailure = Faults.stackTrace(catchThrowable(
          () -> importer.importArchive(images.debug().archive(), StandardImages.DEBUG_REFERENCE)));
      ExecutorService executor = Executors.newCachedThreadPool();
      try {
        PodProvisioner provisioner = new PodProvisioner(daemon.cri(), new SessionImages(daemon.cri(), images),
            new HostPorts(), Map.of(), logs, executor);
        ContainerSpec box = new ContainerSpec("box container", "box", "box", "podgate:busybox", List.of("sleep", "3600"),
            List.of(), Map.of(), "", List.of(), false, 0, ConfigRef.NONE, ContainerSpec.WaitSpec.running());
        PodSpec spec = new PodSpec("box pod", "box", "box", "", Map.of(), Map.of(), "", "", List.of(), List.of(),
            List.of(), List.of(), ConfigRef.NONE, List.of(box));
        createFailure = Faults.stackTrace(catchThrowable(() -> provisioner.provision(spec)));
      } finally {
        executor.shutdownNow();
      }
      seen = new SessionProbe.Seen("diskfull", mount, daemon.pid(), daemon.socket(), BRIDGE);
    } finally {
      if (daemon != null) {
        daemon.close();
      }
      HostState.run("umount", mount.toString());
      if (!mountLockDirWasThere) {
        try {
          Files.deleteIfExists(MOUNT_LOCK_DIR); // mount and umount made it for their lock
        } catch (java.nio.file.DirectoryNotEmptyException inUse) {
          // another mount holds its lock there now
        }
      }
      PodgateSession.deleteTree(mount);
      PodgateSession.deleteTree(logs);
    }
    assertThat(importFailure).as("import on a full disk").contains("no space left on device").contains("The disk is full")
        .contains(mount.toString()).contains("filesystem mounted on " + mount);
    assertThat(createFailure).as("pod on a full disk").contains("no space left on device").contains("The disk is full")
        .contains(mount.toString());
    assertThat(Files.readString(Path.of("/proc/self/mounts"))).as("mounts").doesNotContain(mount.toString());
    HostState.assertClean(BRIDGE, subnet, List.of(seen));
  }

  static void fill(Path file) {
    byte[] mb = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        out.write(mb);
      }
    } catch (IOException full) {
      // no space left: what we wanted
    }
  }
}
