package io.podgate.internal.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podgate.PodgateException;
import io.podgate.internal.containerd.ContainerdHeaders;
import io.podgate.internal.containerd.content.ContentGrpc;
import io.podgate.internal.containerd.content.Info;
import io.podgate.internal.containerd.content.InfoRequest;
import io.podgate.internal.containerd.images.GetImageRequest;
import io.podgate.internal.containerd.images.Image;
import io.podgate.internal.containerd.images.ImagesGrpc;
import io.podgate.internal.containerd.images.ListImagesRequest;
import io.podgate.internal.containerd.leases.LeasesGrpc;
import io.podgate.internal.containerd.leases.ListRequest;
import io.podgate.internal.grpc.UnixSocketChannels;
import io.podgate.testsupport.RequiresContainerd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Imports real archives into a real (private) containerd and reads the result back over its API. */
@RequiresContainerd
class OciArchiveImporterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestContainerd containerd;

  @TempDir Path tmp;

  @BeforeAll
  static void startContainerd() throws Exception {
    containerd = TestContainerd.start();
  }

  @AfterAll
  static void stopContainerd() {
    if (containerd != null) {
      containerd.close();
    }
  }

  private OciArchiveImporter importer() {
    return new OciArchiveImporter(containerd.channel(), containerd.endpoint());
  }

  private static ImagesGrpc.ImagesBlockingStub images() {
    return ImagesGrpc.newBlockingStub(containerd.channel())
        .withInterceptors(ContainerdHeaders.namespace(ContainerdHeaders.K8S_NAMESPACE));
  }

  private static Info contentInfo(String digest) {
    return ContentGrpc.newBlockingStub(containerd.channel())
        .withInterceptors(ContainerdHeaders.namespace(ContainerdHeaders.K8S_NAMESPACE))
        .info(InfoRequest.newBuilder().setDigest(digest).build())
        .getInfo();
  }

  private BuiltImage tinyImage(String reference, String marker) {
    return HostImageBuilder.create(reference)
        .file(Path.of(StandardImages.BUSYBOX), "/bin/busybox", 0755)
        .symlink("/bin/sh", "/bin/busybox")
        .content("/marker.txt", marker, 0644)
        .cmd("sh")
        .build(tmp.resolve(marker + ".tar"));
  }

  @Test
  void importedImageIsListedWithTheManifestAsTargetAndGcLabelsOnIt() throws IOException {
    BuiltImage built = tinyImage("podgate.local/test-import:1", "first");
    long archiveBlobBytes = blobBytes(built.archive());

    ImportResult result = importer().importArchive(built.archive(), built.reference());

    assertThat(result.imageName()).isEqualTo(built.reference());
    assertThat(result.targetDigest()).isEqualTo(built.manifestDigest());
    assertThat(result.targetMediaType()).isEqualTo(OciMediaTypes.OCI_MANIFEST);
    assertThat(result.blobsWritten()).isEqualTo(3);
    assertThat(result.blobsSkipped()).isZero();
    assertThat(result.bytesWritten()).isEqualTo(archiveBlobBytes);
    assertThat(result.imageRecord()).isEqualTo(ImportResult.ImageRecord.CREATED);

    Image image = images().get(GetImageRequest.newBuilder().setName(built.reference()).build()).getImage();
    assertThat(image.getTarget().getDigest()).isEqualTo(built.manifestDigest());
    assertThat(image.getTarget().getMediaType()).isEqualTo(OciMediaTypes.OCI_MANIFEST);
    assertThat(image.getTarget().getSize()).isEqualTo(result.targetSize());
    assertThat(images().list(ListImagesRequest.getDefaultInstance()).getImagesList())
        .extracting(Image::getName).contains(built.reference());

    Map<String, String> manifestLabels = contentInfo(built.manifestDigest()).getLabelsMap();
    var manifest = JSON.readTree(readBlob(built.archive(), built.manifestDigest()));
    assertThat(manifestLabels)
        .containsEntry(OciArchiveImporter.GC_REF_CONFIG, manifest.path("config").path("digest").asText())
        .containsEntry(OciArchiveImporter.GC_REF_LAYER + 0, manifest.path("layers").path(0).path("digest").asText());
    assertThat(contentInfo(manifest.path("layers").path(0).path("digest").asText()).getSize())
        .isEqualTo(manifest.path("layers").path(0).path("size").asLong());
    assertNoImportLeaseLeft();
  }

  @Test
  void secondImportOfTheSameArchiveWritesNothing() {
    BuiltImage built = tinyImage("podgate.local/test-twice:1", "twice");
    ImportResult first = importer().importArchive(built.archive(), built.reference());
    ImportResult second = importer().importArchive(built.archive(), built.reference());

    assertThat(first.blobsWritten()).isPositive();
    assertThat(second.blobsWritten()).isZero();
    assertThat(second.bytesWritten()).isZero();
    assertThat(second.blobsSkipped()).isEqualTo(first.blobsWritten() + first.blobsSkipped());
    assertThat(second.imageRecord()).isEqualTo(ImportResult.ImageRecord.UNCHANGED);
    assertThat(second.targetDigest()).isEqualTo(first.targetDigest());
  }

  @Test
  void concurrentImportsOfTheSameArchiveWriteEachBlobOnce() throws Exception {
    BuiltImage built = tinyImage("podgate.local/test-concurrent:1", "concurrent");
    var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      var a = pool.submit(() -> importer().importImage(built));
      var b = pool.submit(() -> importer().importImage(built));
      ImportResult ra = a.get();
      ImportResult rb = b.get();
      assertThat(ra.blobsWritten() + rb.blobsWritten()).isEqualTo(3);
      assertThat(ra.blobsSkipped() + rb.blobsSkipped()).isEqualTo(3);
      assertThat(List.of(ra.imageRecord(), rb.imageRecord()))
          .containsExactlyInAnyOrder(ImportResult.ImageRecord.CREATED, ImportResult.ImageRecord.UNCHANGED);
    } finally {
      pool.shutdownNow();
    }
    assertNoImportLeaseLeft();
  }

  @Test
  void importingOtherContentUnderAnExistingNameRepointsTheImage() {
    String name = "podgate.local/test-repoint:1";
    BuiltImage a = tinyImage(name, "version-a");
    BuiltImage b = tinyImage(name, "version-b");
    assertThat(a.manifestDigest()).isNotEqualTo(b.manifestDigest());

    importer().importArchive(a.archive(), name);
    ImportResult second = importer().importArchive(b.archive(), name);

    assertThat(second.imageRecord()).isEqualTo(ImportResult.ImageRecord.UPDATED);
    assertThat(second.blobsWritten()).as("new layer, config and manifest").isEqualTo(3);
    assertThat(images().get(GetImageRequest.newBuilder().setName(name).build()).getImage().getTarget().getDigest())
        .isEqualTo(b.manifestDigest());
  }

  @Test
  void archiveWhoseRootIsAnIndexGetsManifestGcLabelsOnTheIndex() throws IOException {
    BuiltImage built = tinyImage("podgate.local/test-index:1", "indexed");
    Path nested = tmp.resolve("nested.tar");
    String indexDigest = rewrapWithNestedIndex(built, nested);

    ImportResult result = importer().importArchive(nested, "podgate.local/test-index:1");

    assertThat(result.targetDigest()).isEqualTo(indexDigest);
    assertThat(result.targetMediaType()).isEqualTo(OciMediaTypes.OCI_INDEX);
    assertThat(result.blobsWritten()).isEqualTo(4);
    assertThat(contentInfo(indexDigest).getLabelsMap())
        .containsEntry(OciArchiveImporter.GC_REF_MANIFEST + 0, built.manifestDigest());
    assertThat(images().get(GetImageRequest.newBuilder().setName("podgate.local/test-index:1").build())
        .getImage().getTarget().getMediaType()).isEqualTo(OciMediaTypes.OCI_INDEX);
  }

  @Test
  void unreachableContainerdIsNamedInTheError() {
    BuiltImage built = tinyImage("podgate.local/test-nowhere:1", "nowhere");
    Path socket = tmp.resolve("no-containerd.sock");
    try (UnixSocketChannels channels = UnixSocketChannels.open(socket)) {
      OciArchiveImporter lost = new OciArchiveImporter(channels.channel(), "unix://" + socket);
      assertThatThrownBy(() -> lost.importArchive(built.archive(), built.reference()))
          .isInstanceOf(PodgateException.class)
          .hasMessageContaining("unix://" + socket)
          .hasMessageContaining(built.archive().toString())
          .hasMessageContaining("Leases.Create failed")
          .hasMessageContaining("Is containerd running");
    }
  }

  @Test
  void containerdsOwnRefusalIsPassedOn() {
    BuiltImage built = tinyImage("podgate.local/test-refused:1", "refused");
    OciArchiveImporter badNamespace = new OciArchiveImporter(containerd.channel(), containerd.endpoint(), "no spaces allowed");
    assertThatThrownBy(() -> badNamespace.importArchive(built.archive(), built.reference()))
        .isInstanceOf(PodgateException.class)
        .hasMessageContaining(containerd.endpoint())
        .hasMessageContaining(built.archive().toString())
        .hasMessageContaining("namespace no spaces allowed")
        .hasMessageContaining("Leases.Create failed: INVALID_ARGUMENT");
  }

  private void assertNoImportLeaseLeft() {
    var leases = LeasesGrpc.newBlockingStub(containerd.channel())
        .withInterceptors(ContainerdHeaders.namespace(ContainerdHeaders.K8S_NAMESPACE))
        .list(ListRequest.getDefaultInstance())
        .getLeasesList();
    assertThat(leases).noneMatch(l -> l.getId().startsWith("podgate-import-"));
  }

  static long blobBytes(Path archive) throws IOException {
    return TarIndex.read(archive).files().values().stream()
        .filter(e -> e.name().startsWith("blobs/sha256/"))
        .mapToLong(TarIndex.Entry::size)
        .sum();
  }

  static byte[] readBlob(Path archive, String digest) throws IOException {
    TarIndex tar = TarIndex.read(archive);
    return tar.readAll(tar.find(Digests.blobPath(digest, "test blob")));
  }

  /** Copies {@code built}'s blobs and adds an index blob between index.json and the manifest. */
  static String rewrapWithNestedIndex(BuiltImage built, Path out) throws IOException {
    TarIndex src = TarIndex.read(built.archive());
    byte[] manifest = readBlob(built.archive(), built.manifestDigest());
    ObjectNode inner = JSON.createObjectNode();
    inner.put("schemaVersion", 2);
    inner.put("mediaType", OciMediaTypes.OCI_INDEX);
    ObjectNode m = inner.putArray("manifests").addObject();
    m.put("mediaType", OciMediaTypes.OCI_MANIFEST);
    m.put("digest", built.manifestDigest());
    m.put("size", manifest.length);
    m.putObject("platform").put("architecture", "amd64").put("os", "linux");
    byte[] innerBytes = JSON.writeValueAsBytes(inner);
    String innerDigest = Digests.sha256(innerBytes);

    ObjectNode top = JSON.createObjectNode();
    top.put("schemaVersion", 2);
    ObjectNode d = top.putArray("manifests").addObject();
    d.put("mediaType", OciMediaTypes.OCI_INDEX);
    d.put("digest", innerDigest);
    d.put("size", innerBytes.length);

    Map<String, byte[]> files = new TreeMap<>();
    for (TarIndex.Entry e : src.files().values()) {
      if (e.name().startsWith("blobs/")) {
        files.put(e.name(), src.readAll(e));
      }
    }
    files.put(Digests.blobPath(innerDigest, "inner index"), innerBytes);
    files.put("index.json", JSON.writeValueAsBytes(top));
    files.put("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes());
    writeTar(out, files);
    return innerDigest;
  }

  static void writeTar(Path out, Map<String, byte[]> files) throws IOException {
    try (OutputStream os = Files.newOutputStream(out)) {
      TarWriter tar = new TarWriter(os);
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        tar.file(f.getKey(), 0644, f.getValue());
      }
      tar.finish();
    }
  }

  static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    in.transferTo(b);
    return b.toByteArray();
  }
}
