package io.podgate.internal.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Test helper: the manifest, config and unpacked layer of a built OCI archive. */
final class ImageRootfs {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ImageRootfs() {}

  static JsonNode manifest(BuiltImage image) throws IOException {
    return JSON.readTree(OciArchiveImporterTest.readBlob(image.archive(), image.manifestDigest()));
  }

  static JsonNode config(BuiltImage image) throws IOException {
    String digest = manifest(image).path("config").path("digest").asText();
    return JSON.readTree(OciArchiveImporterTest.readBlob(image.archive(), digest));
  }

  /** Copies the single layer of {@code image} out to {@code dir/layer.tar}. */
  static Path layer(BuiltImage image, Path dir) throws IOException {
    String digest = manifest(image).path("layers").path(0).path("digest").asText();
    TarIndex tar = TarIndex.read(image.archive());
    Path out = Files.createTempFile(dir, "layer-", ".tar");
    try (InputStream in = tar.open(tar.find(Digests.blobPath(digest, "layer")))) {
      Files.copy(in, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return out;
  }

  /** Unpacks the layer with GNU tar into {@code dir/rootfs}. */
  static Path unpack(BuiltImage image, Path dir) throws Exception {
    Path layer = layer(image, dir);
    Files.createDirectories(dir);
    Path root = Files.createTempDirectory(dir, "rootfs-");
    Files.setPosixFilePermissions(root, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    TarRoundTripTest.run("tar", "-xpf", layer.toString(), "-C", root.toString());
    return root;
  }

  static List<String> layerNames(BuiltImage image, Path dir) throws Exception {
    Path layer = layer(image, dir);
    return TarRoundTripTest.run("tar", "-tf", layer.toString());
  }

  static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }
}
