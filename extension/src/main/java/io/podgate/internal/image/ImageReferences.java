package io.podgate.internal.image;

import io.podgate.PodgateException;
import java.nio.file.Path;

/** Image reference helpers: Docker-style normalisation and {@code oci-archive:} references. */
public final class ImageReferences {
  private static final String OCI_ARCHIVE = "oci-archive:";

  private ImageReferences() {}

  /** A parsed {@code oci-archive:<path>[:<reference>]}; {@code reference} is empty when absent. */
  public record OciArchiveReference(Path archive, String reference) {}

  public static boolean isOciArchive(String ref) {
    return ref != null && ref.startsWith(OCI_ARCHIVE);
  }

  /** Parses {@code oci-archive:<path>[:<reference>]}, splitting at the first colon after the path as skopeo does. */
  public static OciArchiveReference parseOciArchive(String ref) {
    if (!isOciArchive(ref)) {
      throw new PodgateException("'" + ref + "' is not an oci-archive reference; expected oci-archive:<path>[:<name>]");
    }
    String rest = ref.substring(OCI_ARCHIVE.length());
    int colon = rest.indexOf(':');
    String path = colon < 0 ? rest : rest.substring(0, colon);
    String name = colon < 0 ? "" : rest.substring(colon + 1);
    if (path.isEmpty()) {
      throw new PodgateException("'" + ref + "' names no archive path; expected oci-archive:<path>[:<name>]");
    }
    return new OciArchiveReference(Path.of(path), name);
  }

  /**
   * The fully qualified name containerd's CRI plugin keys images by: {@code busybox} becomes
   * {@code docker.io/library/busybox:latest}; names with a registry host stay as they are, plus
   * {@code :latest} if they carry neither tag nor digest.
   */
  public static String normalize(String ref) {
    if (ref == null || ref.isBlank() || !ref.equals(ref.strip()) || ref.contains(" ")) {
      throw new PodgateException("image reference '" + ref + "' is empty or contains spaces");
    }
    String name = ref;
    String suffix = "";
    int at = name.indexOf('@');
    if (at >= 0) {
      suffix = name.substring(at);
      name = name.substring(0, at);
    }
    int slash = name.lastIndexOf('/');
    int colon = name.lastIndexOf(':');
    if (colon > slash) {
      suffix = name.substring(colon) + suffix;
      name = name.substring(0, colon);
    }
    if (suffix.isEmpty()) {
      suffix = ":latest";
    }
    int first = name.indexOf('/');
    String head = first < 0 ? "" : name.substring(0, first);
    boolean hasDomain = first >= 0 && (head.contains(".") || head.contains(":") || head.equals("localhost"));
    if (!hasDomain) {
      name = (first < 0 ? "docker.io/library/" : "docker.io/") + name;
    } else if (head.equals("docker.io") && name.indexOf('/', first + 1) < 0) {
      name = "docker.io/library/" + name.substring(first + 1);
    }
    if (!name.equals(name.toLowerCase())) {
      throw new PodgateException("image reference '" + ref + "' has upper-case letters in its repository name");
    }
    return name + suffix;
  }

  /** The tag, or the digest if there is no tag, or "latest". */
  static String tagOrDigest(String ref) {
    int at = ref.indexOf('@');
    String name = at >= 0 ? ref.substring(0, at) : ref;
    int slash = name.lastIndexOf('/');
    int colon = name.lastIndexOf(':');
    if (colon > slash) {
      return name.substring(colon + 1);
    }
    return at >= 0 ? ref.substring(at + 1) : "latest";
  }
}
