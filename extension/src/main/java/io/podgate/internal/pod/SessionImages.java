package io.podgate.internal.pod;

import io.podgate.PodgateException;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.image.BuiltImage;
import io.podgate.internal.image.ImageReferences;
import io.podgate.internal.image.OciArchiveImporter;
import io.podgate.internal.image.StandardImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Images of a session: {@code podgate:<name>} built from host binaries and imported,
 * {@code oci-archive:<path>[:<name>]} imported, anything else pulled through CRI. Each declared
 * image is made available once per session, even when pods ask for it in parallel.
 */
public final class SessionImages implements ImageResolver {
  private final CriClient cri;
  private final OciArchiveImporter importer;
  private final StandardImages standard;
  private final Map<String, CompletableFuture<String>> ready = new ConcurrentHashMap<>();

  public SessionImages(CriClient cri, StandardImages standard) {
    this.cri = cri;
    this.importer = new OciArchiveImporter(cri.channel(), cri.endpoint());
    this.standard = standard;
  }

  @Override
  public String resolve(String declared, String origin) {
    String image = declared.strip();
    CompletableFuture<String> mine = new CompletableFuture<>();
    CompletableFuture<String> existing = ready.putIfAbsent(image, mine);
    if (existing == null) {
      try {
        mine.complete(make(image, origin));
      } catch (RuntimeException e) {
        ready.remove(image, mine);
        mine.completeExceptionally(e);
        throw e;
      }
      return mine.join();
    }
    try {
      return existing.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  private String make(String image, String origin) {
    if (image.startsWith("podgate:")) {
      String name = image.substring("podgate:".length());
      Supplier<BuiltImage> recipe = switch (name) {
        case "pause" -> standard::pause;
        case "busybox" -> standard::busybox;
        case "nginx" -> standard::nginx;
        case "debug" -> standard::debug;
        case "client" -> standard::client;
        default -> throw new PodSpecException(origin, "image = \"" + image
            + "\" is not a built-in image; use podgate:pause, podgate:busybox, podgate:nginx or podgate:debug");
      };
      BuiltImage built;
      synchronized (standard) {
        built = recipe.get();
      }
      if (!importer.has(built.reference(), built.manifestDigest())) { // a reused runtime has it from an earlier run
        importer.importArchive(built.archive(), built.reference());
      }
      return built.reference();
    }
    if (ImageReferences.isOciArchive(image)) {
      ImageReferences.OciArchiveReference ref;
      try {
        ref = ImageReferences.parseOciArchive(image);
      } catch (RuntimeException e) {
        throw new PodSpecException(origin, "image = \"" + image + "\": " + e.getMessage(), e);
      }
      if (!Files.isRegularFile(ref.archive())) {
        throw new PodSpecException(origin, "image = \"" + image + "\": archive " + ref.archive().toAbsolutePath()
            + " does not exist; write one with e.g. skopeo copy docker://... oci-archive:" + ref.archive());
      }
      String name = ref.reference().isEmpty() ? archiveName(ref.archive()) : ref.reference();
      importer.importArchive(ref.archive(), name);
      return name;
    }
    String normalized;
    try {
      normalized = ImageReferences.normalize(image);
    } catch (RuntimeException e) {
      throw new PodSpecException(origin, "image = \"" + image + "\" is not a valid reference: " + e.getMessage(), e);
    }
    if (cri.imageStatus(normalized).isPresent()) {
      return normalized;
    }
    java.util.Optional<io.podgate.internal.cri.v1.AuthConfig> auth;
    try {
      auth = RegistryAuth.forImage(normalized);
    } catch (RuntimeException e) {
      throw new PodSpecException(origin, "image = \"" + image + "\": " + e.getMessage(), e);
    }
    try {
      return cri.pullImage(normalized, auth.orElse(null), null);
    } catch (RuntimeException e) {
      // The CRI message is redacted; the cause chain of a pull with credentials holds no runtime text.
      throw new PodgateException(origin + ": image = \"" + image + "\" is not in the runtime and pulling it through CRI failed ("
          + e.getMessage() + ")" + credentialsHint(String.valueOf(e.getMessage()), normalized)
          + ". Without a registry, use podgate:busybox|nginx|debug or oci-archive:/path/to/image.tar", e);
    }
  }

  /** What credentials were used, unless the registry was never reached (then they are beside the point). */
  static String credentialsHint(String pullFailure, String reference) {
    if (pullFailure.contains("no such host") || pullFailure.contains("connection refused")
        || pullFailure.contains("i/o timeout") || pullFailure.contains("network is unreachable")) {
      return "; the registry was not reached";
    }
    return "; credentials: " + RegistryAuth.describe(RegistryAuth.host(reference));
  }

  private static String archiveName(Path archive) {
    String file = archive.getFileName().toString();
    int dot = file.indexOf('.');
    String base = (dot > 0 ? file.substring(0, dot) : file).toLowerCase().replaceAll("[^a-z0-9._-]", "-");
    return "podgate.local/archive/" + base + ":" + Integer.toHexString(archive.toAbsolutePath().toString().hashCode());
  }
}
