package io.podgate.internal.image;

import java.nio.file.Path;

/**
 * An OCI image-layout tar on disk.
 *
 * @param reference the image name it is meant to be imported as, e.g. {@code podgate.local/pause:1}
 * @param manifestDigest digest of its single manifest, the import target
 * @param archive the tar file
 */
public record BuiltImage(String reference, String manifestDigest, Path archive) {}
