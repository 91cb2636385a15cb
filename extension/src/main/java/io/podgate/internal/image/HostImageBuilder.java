package io.podgate.internal.image;

import io.podgate.internal.host.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podgate.PodgateException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Builds a single-layer linux/amd64 OCI image from files of this host, e.g. a static busybox or
 * nginx with its shared libraries, and writes it as an OCI image-layout tar.
 *
 * <p>Reproducible: entries are sorted, every timestamp is the epoch and every owner is root, so
 * the same inputs give a byte-identical archive and the same manifest digest.
 */
public final class HostImageBuilder {
  static final String EPOCH = "1970-01-01T00:00:00Z";
  static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  private static final int FORMAT_VERSION = 1;

  private sealed interface Node permits Dir, HostFile, Bytes, Link {}

  private record Dir(int mode) implements Node {}

  private record HostFile(Path source, int mode) implements Node {}

  private record Bytes(byte[] data, int mode) implements Node {}

  private record Link(String target) implements Node {}

  private final String reference;
  private final TreeMap<String, Node> nodes = new TreeMap<>();
  private final List<String> entrypoint = new ArrayList<>();
  private final List<String> cmd = new ArrayList<>();
  private final Map<String, String> env = new LinkedHashMap<>();
  private final TreeSet<Integer> exposedPorts = new TreeSet<>();
  private String workingDir = "";

  private HostImageBuilder(String reference) {
    this.reference = reference;
    env.put("PATH", DEFAULT_PATH.substring("PATH=".length()));
  }

  /** @param reference the name the image will be imported as, e.g. {@code podgate.local/nginx:1} */
  public static HostImageBuilder create(String reference) {
    if (reference == null || reference.isBlank()) {
      throw new PodgateException("HostImageBuilder needs an image reference such as podgate.local/pause:1");
    }
    return new HostImageBuilder(reference);
  }

  /** Adds an executable at its host path, plus every shared library it loads and the dynamic loader. */
  public HostImageBuilder binary(Path hostBinary) {
    return binary(hostBinary, hostBinary.toAbsolutePath().normalize().toString());
  }

  /** Adds an executable at {@code inImage}, plus its shared libraries at their host paths. */
  public HostImageBuilder binary(Path hostBinary, String inImage) {
    requireRegularFile(hostBinary, "binary");
    if (!Files.isExecutable(hostBinary)) {
      throw new PodgateException("host file " + hostBinary + " is not executable; binary() wants a program");
    }
    put(inImage, new HostFile(hostBinary, 0755));
    for (Path lib : SharedLibraries.closure(hostBinary)) {
      requireRegularFile(lib, "shared library of " + hostBinary);
      String at = lib.toString();
      if (!nodes.containsKey(clean(at))) {
        put(at, new HostFile(lib, 0755));
      }
    }
    return this;
  }

  /** Copies a host file; executable on the host means mode 0755, otherwise 0644. */
  public HostImageBuilder file(Path host, String inImage) {
    requireRegularFile(host, "file");
    return put(inImage, new HostFile(host, Files.isExecutable(host) ? 0755 : 0644));
  }

  public HostImageBuilder file(Path host, String inImage, int mode) {
    requireRegularFile(host, "file");
    return put(inImage, new HostFile(host, mode));
  }

  /** An empty directory (parents of files are added by themselves). */
  public HostImageBuilder directory(String inImage) {
    return directory(inImage, 0755);
  }

  /** An empty directory with {@code mode}, e.g. {@code 01777} for /tmp. */
  public HostImageBuilder directory(String inImage, int mode) {
    return put(inImage, new Dir(mode));
  }

  /** Copies a host directory tree (regular files, directories and symlinks) to {@code inImage}. */
  public HostImageBuilder directory(Path hostDir, String inImage) {
    if (!Files.isDirectory(hostDir)) {
      throw new PodgateException("host directory " + hostDir + " does not exist or is not a directory");
    }
    String base = clean(inImage);
    try (Stream<Path> walk = Files.walk(hostDir)) {
      for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
        String rel = hostDir.relativize(p).toString();
        String at = rel.isEmpty() ? base : base + "/" + rel;
        if (Files.isSymbolicLink(p)) {
          put(at, new Link(Files.readSymbolicLink(p).toString()));
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          put(at, new Dir(hostMode(p, 0755)));
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          put(at, new HostFile(p, hostMode(p, 0644)));
        }
      }
    } catch (IOException e) {
      throw new PodgateException("cannot copy host directory " + hostDir + " into the image: " + e.getMessage(), e);
    }
    return this;
  }

  public HostImageBuilder content(String inImage, byte[] bytes, int mode) {
    return put(inImage, new Bytes(bytes.clone(), mode));
  }

  public HostImageBuilder content(String inImage, String text, int mode) {
    return content(inImage, text.getBytes(StandardCharsets.UTF_8), mode);
  }

  public HostImageBuilder symlink(String inImage, String target) {
    return put(inImage, new Link(target));
  }

  public HostImageBuilder entrypoint(String... args) {
    entrypoint.clear();
    entrypoint.addAll(List.of(args));
    return this;
  }

  public HostImageBuilder cmd(String... args) {
    cmd.clear();
    cmd.addAll(List.of(args));
    return this;
  }

  public HostImageBuilder env(String key, String value) {
    if (key == null || key.isEmpty() || key.contains("=")) {
      throw new PodgateException("environment variable name '" + key + "' is empty or contains '='");
    }
    env.put(key, value);
    return this;
  }

  public HostImageBuilder workingDir(String dir) {
    this.workingDir = dir;
    return this;
  }

  public HostImageBuilder exposedPort(int port) {
    if (port < 1 || port > 65535) {
      throw new PodgateException("exposed port " + port + " is outside 1..65535");
    }
    exposedPorts.add(port);
    return this;
  }

  public String reference() {
    return reference;
  }

  /**
   * A digest of everything that determines the archive, from file metadata (path, size, mtime)
   * rather than content, so it is cheap; a cache key for built archives.
   */
  public String fingerprint() {
    MessageDigest md = Digests.newSha256();
    StringBuilder sb = new StringBuilder();
    sb.append("v").append(FORMAT_VERSION).append('\n').append(reference).append('\n');
    sb.append(entrypoint).append('\n').append(cmd).append('\n').append(env).append('\n')
        .append(workingDir).append('\n').append(exposedPorts).append('\n');
    for (Map.Entry<String, Node> e : nodes.entrySet()) {
      sb.append(e.getKey()).append(' ');
      Node n = e.getValue();
      if (n instanceof Dir d) {
        sb.append("dir ").append(Integer.toOctalString(d.mode()));
      } else if (n instanceof HostFile f) {
        try {
          Path real = f.source().toRealPath();
          sb.append("host ").append(real).append(' ').append(Files.size(real)).append(' ')
              .append(Files.getLastModifiedTime(real).toMillis()).append(' ').append(Integer.toOctalString(f.mode()));
        } catch (IOException ex) {
          throw new PodgateException("cannot stat host file " + f.source() + ": " + ex.getMessage(), ex);
        }
      } else if (n instanceof Bytes b) {
        sb.append("bytes ").append(Digests.sha256(b.data())).append(' ').append(Integer.toOctalString(b.mode()));
      } else if (n instanceof Link l) {
        sb.append("link ").append(l.target());
      }
      sb.append('\n');
    }
    md.update(sb.toString().getBytes(StandardCharsets.UTF_8));
    return Digests.format(md.digest());
  }

  /** Writes the OCI image-layout tar to {@code archiveOut} (replacing it atomically). */
  public BuiltImage build(Path archiveOut) {
    Path out = archiveOut.toAbsolutePath();
    Path dir = out.getParent();
    Path layerTmp = null;
    Path archiveTmp = null;
    try {
      Files.createDirectories(dir);
      layerTmp = Files.createTempFile(dir, ".layer-", ".tar");
      String layerDigest;
      long layerSize;
      MessageDigest md = Digests.newSha256();
      try (OutputStream os = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(layerTmp)), md)) {
        writeLayer(os);
      }
      layerDigest = Digests.format(md.digest());
      layerSize = Files.size(layerTmp);

      byte[] config = configJson(layerDigest);
      String configDigest = Digests.sha256(config);
      byte[] manifest = manifestJson(configDigest, config.length, layerDigest, layerSize);
      String manifestDigest = Digests.sha256(manifest);
      byte[] index = indexJson(manifestDigest, manifest.length);
      byte[] layout = "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);

      TreeMap<String, byte[]> smallBlobs = new TreeMap<>();
      smallBlobs.put(Digests.hex(configDigest, "config"), config);
      smallBlobs.put(Digests.hex(manifestDigest, "manifest"), manifest);
      String layerHex = Digests.hex(layerDigest, "layer");

      archiveTmp = Files.createTempFile(dir, ".image-", ".tar");
      try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(archiveTmp))) {
        TarWriter tar = new TarWriter(os);
        tar.directory("blobs", 0755);
        tar.directory("blobs/sha256", 0755);
        TreeSet<String> blobNames = new TreeSet<>(smallBlobs.keySet());
        blobNames.add(layerHex);
        for (String hex : blobNames) {
          if (hex.equals(layerHex) && !smallBlobs.containsKey(hex)) {
            try (InputStream in = Files.newInputStream(layerTmp)) {
              tar.file("blobs/sha256/" + hex, 0644, layerSize, in);
            }
          } else {
            tar.file("blobs/sha256/" + hex, 0644, smallBlobs.get(hex));
          }
        }
        tar.file("index.json", 0644, index);
        tar.file("oci-layout", 0644, layout);
        tar.finish();
      }
      Files.move(archiveTmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      archiveTmp = null;
      return new BuiltImage(reference, manifestDigest, out);
    } catch (IOException e) {
      throw new PodgateException("building image " + reference + " into " + out + " failed: " + e.getMessage(), e);
    } finally {
      deleteQuietly(layerTmp);
      deleteQuietly(archiveTmp);
    }
  }

  private void writeLayer(OutputStream os) throws IOException {
    TarWriter tar = new TarWriter(os);
    for (Map.Entry<String, Node> e : withParents().entrySet()) {
      String name = e.getKey();
      Node n = e.getValue();
      if (n instanceof Dir d) {
        tar.directory(name, d.mode());
      } else if (n instanceof HostFile f) {
        long size = Files.size(f.source());
        try (InputStream in = Files.newInputStream(f.source())) {
          tar.file(name, f.mode(), size, in);
        } catch (IOException ex) {
          throw new IOException("reading host file " + f.source() + " for " + name + ": " + ex.getMessage(), ex);
        }
      } else if (n instanceof Bytes b) {
        tar.file(name, b.mode(), b.data());
      } else if (n instanceof Link l) {
        tar.symlink(name, l.target());
      }
    }
    tar.finish();
  }

  private TreeMap<String, Node> withParents() {
    TreeMap<String, Node> all = new TreeMap<>(nodes);
    for (String name : nodes.keySet()) {
      int slash = name.lastIndexOf('/');
      while (slash > 0) {
        String parent = name.substring(0, slash);
        Node existing = all.get(parent);
        if (existing == null) {
          all.put(parent, new Dir(0755));
        } else if (!(existing instanceof Dir)) {
          throw new PodgateException("image " + reference + ": /" + parent + " is a file or symlink, yet /" + name
              + " is placed under it; put " + name + " at the symlink's target instead");
        }
        slash = parent.lastIndexOf('/');
      }
    }
    return all;
  }

  private byte[] configJson(String layerDigest) throws IOException {
    ObjectNode root = Json.mapper().createObjectNode();
    root.put("created", EPOCH);
    root.put("architecture", "amd64");
    root.put("os", "linux");
    ObjectNode config = root.putObject("config");
    if (!exposedPorts.isEmpty()) {
      ObjectNode ports = config.putObject("ExposedPorts");
      exposedPorts.forEach(p -> ports.putObject(p + "/tcp"));
    }
    ArrayNode envArray = config.putArray("Env");
    env.forEach((k, v) -> envArray.add(k + "=" + v));
    if (!entrypoint.isEmpty()) {
      ArrayNode ep = config.putArray("Entrypoint");
      entrypoint.forEach(ep::add);
    }
    if (!cmd.isEmpty()) {
      ArrayNode c = config.putArray("Cmd");
      cmd.forEach(c::add);
    }
    if (!workingDir.isEmpty()) {
      config.put("WorkingDir", workingDir);
    }
    ObjectNode rootfs = root.putObject("rootfs");
    rootfs.put("type", "layers");
    rootfs.putArray("diff_ids").add(layerDigest);
    ObjectNode history = root.putArray("history").addObject();
    history.put("created", EPOCH);
    history.put("created_by", "podgate HostImageBuilder");
    return Json.mapper().writeValueAsBytes(root);
  }

  private static byte[] manifestJson(String configDigest, long configSize, String layerDigest, long layerSize)
      throws IOException {
    ObjectNode root = Json.mapper().createObjectNode();
    root.put("schemaVersion", 2);
    root.put("mediaType", OciMediaTypes.OCI_MANIFEST);
    ObjectNode config = root.putObject("config");
    config.put("mediaType", OciMediaTypes.OCI_CONFIG);
    config.put("digest", configDigest);
    config.put("size", configSize);
    ObjectNode layer = root.putArray("layers").addObject();
    layer.put("mediaType", OciMediaTypes.OCI_LAYER_TAR);
    layer.put("digest", layerDigest);
    layer.put("size", layerSize);
    return Json.mapper().writeValueAsBytes(root);
  }

  private byte[] indexJson(String manifestDigest, long manifestSize) throws IOException {
    ObjectNode root = Json.mapper().createObjectNode();
    root.put("schemaVersion", 2);
    root.put("mediaType", OciMediaTypes.OCI_INDEX);
    ObjectNode m = root.putArray("manifests").addObject();
    m.put("mediaType", OciMediaTypes.OCI_MANIFEST);
    m.put("digest", manifestDigest);
    m.put("size", manifestSize);
    ObjectNode annotations = m.putObject("annotations");
    annotations.put(OciMediaTypes.CONTAINERD_IMAGE_NAME, reference);
    annotations.put(OciMediaTypes.REF_NAME, ImageReferences.tagOrDigest(reference));
    ObjectNode platform = m.putObject("platform");
    platform.put("architecture", "amd64");
    platform.put("os", "linux");
    return Json.mapper().writeValueAsBytes(root);
  }

  private HostImageBuilder put(String inImage, Node node) {
    nodes.put(clean(inImage), node);
    return this;
  }

  private String clean(String inImage) {
    if (inImage == null || inImage.isBlank()) {
      throw new PodgateException("image " + reference + ": a path inside the image is empty");
    }
    List<String> parts = new ArrayList<>();
    for (String part : inImage.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        throw new PodgateException("image " + reference + ": path '" + inImage + "' contains '..'; use absolute paths inside the image");
      }
      parts.add(part);
    }
    if (parts.isEmpty()) {
      throw new PodgateException("image " + reference + ": path '" + inImage + "' names the image root");
    }
    return String.join("/", parts);
  }

  private static void requireRegularFile(Path p, String what) {
    if (!Files.isRegularFile(p)) {
      throw new PodgateException("host " + what + " " + p + " does not exist or is not a regular file");
    }
  }

  private static int hostMode(Path p, int fallback) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
      int mode = 0;
      for (PosixFilePermission perm : perms) {
        mode |= switch (perm) {
          case OWNER_READ -> 0400;
          case OWNER_WRITE -> 0200;
          case OWNER_EXECUTE -> 0100;
          case GROUP_READ -> 040;
          case GROUP_WRITE -> 020;
          case GROUP_EXECUTE -> 010;
          case OTHERS_READ -> 04;
          case OTHERS_WRITE -> 02;
          case OTHERS_EXECUTE -> 01;
        };
      }
      return mode;
    } catch (IOException | UnsupportedOperationException e) {
      return fallback;
    }
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // a leftover temp file in the output directory is harmless
      }
    }
  }
}
