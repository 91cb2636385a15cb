package io.podgate.internal.image;

/** Media types of OCI and Docker v2 image content. */
final class OciMediaTypes {
  static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  static final String OCI_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";
  static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
  static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";

  /** Annotation holding the tag (or full name) of a manifest in an image layout's index.json. */
  static final String REF_NAME = "org.opencontainers.image.ref.name";
  /** Annotation containerd writes with the full image name. */
  static final String CONTAINERD_IMAGE_NAME = "io.containerd.image.name";

  private OciMediaTypes() {}

  static boolean isIndex(String mediaType) {
    return OCI_INDEX.equals(mediaType) || DOCKER_LIST.equals(mediaType);
  }

  static boolean isManifest(String mediaType) {
    return OCI_MANIFEST.equals(mediaType) || DOCKER_MANIFEST.equals(mediaType);
  }
}
