package io.podgate.internal.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.podgate.PodgateException;
import io.podgate.testsupport.RequiresContainerd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostImageBuilderTest {
  private static final Path IPERF3 = Path.of(StandardImages.IPERF3);
  private static final Path BUSYBOX = Path.of(StandardImages.BUSYBOX);

  @TempDir Path tmp;

  private HostImageBuilder iperfImage() {
    return HostImageBuilder.create("podgate.local/iperf-test:1")
        .binary(IPERF3)
        .file(BUSYBOX, "/bin/busybox", 0755)
        .symlink("/bin/sh", "busybox")
        .content("/etc/motd", "hi\n", 0644)
        .directory("/tmp", 01777)
        .env("MODE", "test")
        .workingDir("/tmp")
        .exposedPort(5201)
        .entrypoint("/usr/bin/iperf3")
        .cmd("-s");
  }

  @Test
  void twoBuildsOfTheSameInputsAreByteIdentical() throws Exception {
    BuiltImage a = iperfImage().build(tmp.resolve("a/img.tar"));
    BuiltImage b = iperfImage().build(tmp.resolve("b/img.tar"));
    assertThat(a.manifestDigest()).isEqualTo(b.manifestDigest());
    assertThat(Files.mismatch(a.archive(), b.archive())).isEqualTo(-1L);
    assertThat(iperfImage().fingerprint()).isEqualTo(iperfImage().fingerprint());
  }

  @Test
  void differentInputsGiveDifferentDigests() {
    BuiltImage a = iperfImage().build(tmp.resolve("a.tar"));
    BuiltImage b = iperfImage().env("MODE", "other").build(tmp.resolve("b.tar"));
    assertThat(a.manifestDigest()).isNotEqualTo(b.manifestDigest());
    assertThat(iperfImage().fingerprint()).isNotEqualTo(iperfImage().env("MODE", "other").fingerprint());
  }

  @Test
  void configCarriesRuntimeSettingsAndNoHostDependentFields() throws Exception {
    BuiltImage image = iperfImage().build(tmp.resolve("img.tar"));
    JsonNode config = ImageRootfs.config(image);
    assertThat(config.path("architecture").asText()).isEqualTo("amd64");
    assertThat(config.path("os").asText()).isEqualTo("linux");
    assertThat(config.path("created").asText()).isEqualTo("1970-01-01T00:00:00Z");
    assertThat(config.path("config").path("Entrypoint").toString()).isEqualTo("[\"/usr/bin/iperf3\"]");
    assertThat(config.path("config").path("Cmd").toString()).isEqualTo("[\"-s\"]");
    assertThat(config.path("config").path("Env").toString()).contains("MODE=test").contains("PATH=");
    assertThat(config.path("config").path("WorkingDir").asText()).isEqualTo("/tmp");
    assertThat(config.path("config").path("ExposedPorts").has("5201/tcp")).isTrue();
    assertThat(config.path("rootfs").path("diff_ids").get(0).asText())
        .isEqualTo(ImageRootfs.manifest(image).path("layers").get(0).path("digest").asText());
  }

  @RequiresContainerd
  @Test
  void dynamicBinaryBringsLoaderAndLibcAndRunsInAChroot() throws Exception {
    List<Path> closure = SharedLibraries.closure(IPERF3);
    assertThat(closure).anyMatch(p -> p.getFileName().toString().startsWith("ld-linux"));
    assertThat(closure).anyMatch(p -> p.getFileName().toString().equals("libc.so.6"));

    BuiltImage image = iperfImage().build(tmp.resolve("img.tar"));
    List<String> names = ImageRootfs.layerNames(image, tmp);
    for (Path lib : closure) {
      assertThat(names).contains(lib.toString().substring(1));
    }
    assertThat(names).contains("usr/bin/iperf3", "bin/busybox", "tmp/");

    assumeThat(ImageRootfs.isRoot()).as("chroot needs root").isTrue();
    Path root = ImageRootfs.unpack(image, tmp);
    List<String> out = TarRoundTripTest.run("chroot", root.toString(), "/usr/bin/iperf3", "--version");
    assertThat(String.join("\n", out)).contains("iperf 3");
  }

  @Test
  void staticBinaryHasNoLibraries() {
    assertThat(SharedLibraries.closure(BUSYBOX)).isEmpty();
  }

  @Test
  void lddOutputParsing() {
    String out = "\tlinux-vdso.so.1 (0x00007ffc)\n"
        + "\tlibz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x00007f11)\n"
        + "\t/lib64/ld-linux-x86-64.so.2 (0x00007f12)\n";
    assertThat(SharedLibraries.parse(Path.of("/x"), out, 0))
        .containsExactly(Path.of("/lib/x86_64-linux-gnu/libz.so.1"), Path.of("/lib64/ld-linux-x86-64.so.2"));
    assertThat(SharedLibraries.parse(Path.of("/x"), "\tnot a dynamic executable\n", 1)).isEmpty();
    assertThatThrownBy(() -> SharedLibraries.parse(Path.of("/opt/app"), "\tlibfoo.so.2 => not found\n", 0))
        .isInstanceOf(PodgateException.class)
        .hasMessageContaining("/opt/app")
        .hasMessageContaining("libfoo.so.2");
  }

  @Test
  void badPathsAreRefusedWithTheirName() {
    assertThatThrownBy(() -> HostImageBuilder.create("x:1").content("/etc/../passwd", "x", 0644))
        .isInstanceOf(PodgateException.class).hasMessageContaining("/etc/../passwd");
    assertThatThrownBy(() -> HostImageBuilder.create("x:1").binary(Path.of("/nonexistent/tool")))
        .isInstanceOf(PodgateException.class).hasMessageContaining("/nonexistent/tool");
    assertThatThrownBy(() -> HostImageBuilder.create("x:1")
            .symlink("/lib", "/usr/lib")
            .content("/lib/libx.so", "x", 0644)
            .build(tmp.resolve("x.tar")))
        .isInstanceOf(PodgateException.class).hasMessageContaining("/lib is a file or symlink");
  }

  @Test
  void hostDirectoryIsCopiedWithItsTree() throws Exception {
    Path src = tmp.resolve("src");
    Files.createDirectories(src.resolve("sub"));
    Files.writeString(src.resolve("sub/a.txt"), "A");
    Files.createSymbolicLink(src.resolve("link"), Path.of("sub/a.txt"));
    BuiltImage image = HostImageBuilder.create("podgate.local/dir:1").directory(src, "/data").build(tmp.resolve("d.tar"));
    Path root = ImageRootfs.unpack(image, tmp);
    assertThat(Files.readString(root.resolve("data/sub/a.txt"))).isEqualTo("A");
    assertThat(Files.readSymbolicLink(root.resolve("data/link"))).isEqualTo(Path.of("sub/a.txt"));
  }

  @Test
  void ociArchiveReferencesAndNormalisation() {
    var ref = ImageReferences.parseOciArchive("oci-archive:/tmp/x.tar:podgate.local/a:1");
    assertThat(ref.archive()).isEqualTo(Path.of("/tmp/x.tar"));
    assertThat(ref.reference()).isEqualTo("podgate.local/a:1");
    assertThat(ImageReferences.parseOciArchive("oci-archive:/tmp/x.tar").reference()).isEmpty();
    assertThat(ImageReferences.normalize("busybox")).isEqualTo("docker.io/library/busybox:latest");
    assertThat(ImageReferences.normalize("me/app:2")).isEqualTo("docker.io/me/app:2");
    assertThat(ImageReferences.normalize("localhost:5000/app")).isEqualTo("localhost:5000/app:latest");
    assertThat(ImageReferences.normalize("podgate.local/pause:1")).isEqualTo("podgate.local/pause:1");
    assertThat(ImageReferences.normalize("docker.io/nginx@sha256:" + "a".repeat(64)))
        .isEqualTo("docker.io/library/nginx@sha256:" + "a".repeat(64));
  }
}
