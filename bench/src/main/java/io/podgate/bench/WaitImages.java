package io.podgate.bench;

import io.podgate.internal.image.StandardImages;

/**
 * Prints the path of podgate's nginx OCI archive (built from the host's binaries into the image cache
 * if it is not there yet): ci/bench-testcontainers loads the very same image into Docker.
 */
public final class WaitImages {
  private WaitImages() {}

  public static void main(String[] args) {
    String cache = System.getProperty("podgate.imageCache");
    StandardImages images = new StandardImages(cache == null ? StandardImages.defaultCacheDir() : java.nio.file.Path.of(cache));
    System.out.println(images.nginx().archive().toAbsolutePath());
  }
}
