package io.podgate.internal.image;

/**
 * What one {@link OciArchiveImporter#importArchive} did.
 *
 * @param imageName the containerd image name (namespace k8s.io)
 * @param targetDigest digest of the manifest or index the image name points at
 * @param targetMediaType media type of that root
 * @param blobsWritten blobs committed to containerd's content store by this import
 * @param blobsSkipped blobs containerd already had
 * @param bytesWritten bytes of the written blobs
 * @param imageRecord whether the image record was created, re-pointed, or already right
 */
public record ImportResult(
    String imageName,
    String targetDigest,
    String targetMediaType,
    long targetSize,
    int blobsWritten,
    int blobsSkipped,
    long bytesWritten,
    ImageRecord imageRecord) {

  public enum ImageRecord {
    CREATED,
    UPDATED,
    UNCHANGED
  }
}
