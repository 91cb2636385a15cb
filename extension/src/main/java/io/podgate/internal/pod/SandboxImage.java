package io.podgate.internal.pod;

import io.podgate.PodgateException;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.image.OciArchiveImporter;
import io.podgate.internal.image.StandardImages;
import io.podgate.internal.runtime.RuntimeNotUsableException;
import io.podgate.internal.runtime.RuntimeStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The sandbox (pause) image of a configured runtime, as its CRI config names it: when the runtime
 * neither has it nor can pull it (offline), podgate imports its own pause image under that name,
 * unless system property {@value #IMPORT_PROPERTY} is {@code false}.
 */
public final class SandboxImage {
  public static final String IMPORT_PROPERTY = "podgate.cri.importSandboxImage";
  static final Duration PULL_DEADLINE = Duration.ofMinutes(2);

  private SandboxImage() {}

  /** Whether podgate may import its pause image; {@code value} is the property's value or null. */
  static boolean importAllowed(String value) {
    if (value == null || value.isBlank() || value.strip().equalsIgnoreCase("true")) {
      return true;
    }
    if (value.strip().equalsIgnoreCase("false")) {
      return false;
    }
    throw new PodgateException("system property " + IMPORT_PROPERTY + " = '" + value + "' must be true or false"
        + " (true, the default: import podgate's offline pause image when the runtime's sandbox image is missing and"
        + " cannot be pulled; false: fail instead)");
  }

  /**
   * Makes the runtime's sandbox image present. Returns a notice when podgate imported its own
   * archive {@code pauseArchive} under the sandbox image's name; empty when the image was there or
   * was pulled, or the runtime does not report its sandbox image. Throws {@link
   * RuntimeNotUsableException} when the image is missing, unpullable and importing is off.
   */
  static Optional<String> ensure(CriClient cri, RuntimeStatus status, boolean importAllowed,
      Supplier<Path> pauseArchive) {
    if (status.sandboxImage().isEmpty()) {
      return Optional.empty();
    }
    String image = status.sandboxImage().get();
    if (cri.imageStatus(image).isPresent()) {
      return Optional.empty();
    }
    if (image.equals(StandardImages.PAUSE_REFERENCE)) {
      // a runtime set up for podgate (e.g. another JVM's embedded one): no registry has this image
      new OciArchiveImporter(cri.channel(), cri.endpoint()).importArchive(pauseArchive.get(), image);
      return Optional.empty();
    }
    try {
      cri.withDeadline(PULL_DEADLINE).pullImage(image);
      return Optional.empty();
    } catch (RuntimeException pullFailed) {
      String missing = "no sandbox image " + image + " (sandboxImage of its CRI config) and could not pull it: "
          + pullFailed.getMessage();
      if (!importAllowed) {
        throw new RuntimeNotUsableException("the runtime at " + cri.endpoint() + " has " + missing
            + ". Every pod needs that image, so podgate stops here; it would import its own offline pause image"
            + " under that name, but system property " + IMPORT_PROPERTY
            + "=false turns that off. Either import the image into the runtime yourself (containerd: `ctr -n k8s.io"
            + " images import pause.tar` with an OCI or docker archive of " + image + "), let the runtime reach"
            + " its registry, or remove " + IMPORT_PROPERTY + "=false.", pullFailed);
      }
      new OciArchiveImporter(cri.channel(), cri.endpoint()).importArchive(pauseArchive.get(), image);
      return Optional.of("podgate imported its offline pause image as " + image + " into the runtime at "
          + cri.endpoint() + ", which had " + missing + ". Set system property " + IMPORT_PROPERTY
          + "=false to fail instead.");
    }
  }
}
