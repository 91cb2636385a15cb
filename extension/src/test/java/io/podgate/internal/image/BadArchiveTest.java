package io.podgate.internal.image;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podgate.PodgateException;
import io.podgate.internal.grpc.UnixSocketChannels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken archives are refused before containerd is contacted: the importer here points at a
 * socket nobody listens on, so any error that mentions containerd would mean validation missed.
 */
class BadArchiveTest {
  @TempDir Path tmp;
  private UnixSocketChannels channels;
  private OciArchiveImporter importer;
  private BuiltImage good;

  @BeforeEach
  void setUp() {
    Path socket = tmp.resolve("nobody.sock");
    channels = UnixSocketChannels.open(socket);
    importer = new OciArchiveImporter(channels.channel(), "unix://" + socket);
    good = HostImageBuilder.create("podgate.local/bad:1")
        .content("/hello.txt", "hello", 0644)
        .build(tmp.resolve("good.tar"));
  }

  @AfterEach
  void tearDown() {
    channels.close();
  }

  private Map<String, byte[]> goodFiles() throws IOException {
    TarIndex tar = TarIndex.read(good.archive());
    Map<String, byte[]> files = new TreeMap<>();
    for (TarIndex.Entry e : tar.files().values()) {
      files.put(e.name(), tar.readAll(e));
    }
    return files;
  }

  private Path write(String name, Map<String, byte[]> files) throws IOException {
    Path out = tmp.resolve(name);
    OciArchiveImporterTest.writeTar(out, files);
    return out;
  }

  @Test
  void missingIndexJson() throws IOException {
    Map<String, byte[]> files = goodFiles();
    files.remove("index.json");
    Path archive = write("no-index.tar", files);
    assertThatThrownBy(() -> importer.importArchive(archive, "podgate.local/bad:1"))
        .isInstanceOf(PodgateException.class)
        .hasMessageContaining(archive.toString())
        .hasMessageContaining("no index.json")
        .hasMessageNotContaining("UNAVAILABLE");
  }

  @Test
  void dockerSaveArchiveGetsAConversionHint() throws IOException {
    Path archive = write("docker-save.tar", Map.of("manifest.json", "[]".getBytes()));
    assertThatThrownBy(() -> importer.importArchive(archive, "podgate.local/bad:1"))
        .isInstanceOf(PodgateException.class)
        .hasMessageContaining("not an OCI image layout")
        .hasMessageContaining("skopeo copy docker-archive:");
  }

  @Test
  void missingLayerBlob() throws IOException {
    Map<String, byte[]> files = goodFiles();
    String layer = layerPath(files);
    files.remove(layer);
    Path archive = write("no-layer.tar", files);
    assertThatThrownBy(() -> importer.importArchive(archive, "podgate.local/bad:1"))
        .isInstanceOf(PodgateException.class)
        .hasMessageContaining(archive.toString())
        .hasMessageContaining("missing blob sha256:" + layer.substring("blobs/sha256/".length()))
        .hasMessageContaining("layer 0 of manifest " + good.manifestDigest())
        .hasMessageNotContaining("UNAVAILABLE");
  }

  @Test
  void layerWithWrongContent() throws IOException {
    Map<String, byte[]> files = goodFiles();
    String layer = layerPath(files);
    byte[] corrupt = files.get(layer).clone();
    corrupt[corrupt.length / 2] ^= 0x55;
    files.put(layer, corrupt);
    Path archive = write("corrupt-layer.tar", files);
    assertThatThrownBy(() -> importer.importArchive(archive, "podgate.local/bad:1"))
        .isInstanceOf(PodgateException.class)
        .hasMessageContaining("digest mismatch")
        .hasMessageContaining(archive.toString())
        .hasMessageContaining(layer)
        .hasMessageNotContaining("UNAVAILABLE");
  }

  @Test
  void manifestWithWrongContent() throws IOException {
    Map<String, byte[]> files = goodFiles();
    String manifest = Digests.blobPath(good.manifestDigest(), "manifest");
    byte[] changed = new String(files.get(manifest)).replace("\"schemaVersion\":2", "\"schemaVersion\":3").getBytes();
    files.put(manifest, changed);
    Path archive = write("corrupt-manifest.tar", files);
    assertThatThrownBy(() -> importer.importArchive(archive, "podgate.local/bad:1"))
        .isInstanceOf(PodgateException.class)
        .hasMessageContaining("digest mismatch")
        .hasMessageContaining(manifest);
  }

  @Test
  void notATarAtAll() throws IOException {
    Path archive = tmp.resolve("text.tar");
    Files.writeString(archive, "this is not a tar archive\n".repeat(40));
    assertThatThrownBy(() -> importer.importArchive(archive, "podgate.local/bad:1"))
        .isInstanceOf(PodgateException.class)
        .hasMessageContaining("cannot read OCI archive " + archive)
        .hasMessageContaining("not a tar archive");
  }

  @Test
  void archiveThatDoesNotExist() {
    Path archive = tmp.resolve("absent.tar");
    assertThatThrownBy(() -> importer.importArchive(archive, "podgate.local/bad:1"))
        .isInstanceOf(PodgateException.class)
        .hasMessageContaining(archive + " does not exist");
  }

  private static String layerPath(Map<String, byte[]> files) throws IOException {
    var index = new com.fasterxml.jackson.databind.ObjectMapper().readTree(files.get("index.json"));
    String manifestDigest = index.path("manifests").path(0).path("digest").asText();
    var manifest = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(files.get(Digests.blobPath(manifestDigest, "manifest")));
    return Digests.blobPath(manifest.path("layers").path(0).path("digest").asText(), "layer");
  }
}
