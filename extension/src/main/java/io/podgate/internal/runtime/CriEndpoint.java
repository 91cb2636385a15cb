package io.podgate.internal.runtime;

import io.podgate.PodgateException;
import io.podgate.internal.cri.CriClient;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A CRI endpoint that already runs (e.g. the host's containerd), named by system property {@value
 * #PROPERTY} or environment variable {@value #ENV} as {@code unix:///path/to/socket}.
 */
public record CriEndpoint(Path socket, String source) {
  public static final String PROPERTY = "podgate.cri.endpoint";
  public static final String ENV = "PODGATE_CRI_ENDPOINT";

  /** The configured endpoint, validated; empty when neither property nor variable is set. */
  public static Optional<CriEndpoint> configured() {
    return configured(System::getProperty, System::getenv);
  }

  static Optional<CriEndpoint> configured(UnaryOperator<String> properties, UnaryOperator<String> env) {
    String value = properties.apply(PROPERTY);
    if (value != null && !value.isBlank()) {
      return Optional.of(parse(value, "system property " + PROPERTY));
    }
    value = env.apply(ENV);
    if (value != null && !value.isBlank()) {
      return Optional.of(parse(value, "environment variable " + ENV));
    }
    return Optional.empty();
  }

  /** Parses and checks {@code unix:///path}; {@code source} says where the value came from. */
  public static CriEndpoint parse(String value, String source) {
    String fix = " Set " + source + " to unix:///path/of/the/runtime's/CRI/socket (containerd: unix:///run/containerd/"
        + "containerd.sock), or leave it unset to let podgate start its own containerd.";
    URI uri;
    try {
      uri = new URI(value.strip());
    } catch (URISyntaxException e) {
      throw new PodgateException(source + " = '" + value + "' is not a URI." + fix);
    }
    if (!"unix".equals(uri.getScheme())) {
      throw new PodgateException(source + " = '" + value + "' uses scheme '" + uri.getScheme()
          + "'; only unix:// sockets are supported." + fix);
    }
    String path = uri.getPath();
    if (path == null || path.isEmpty() || uri.getAuthority() != null) {
      throw new PodgateException(source + " = '" + value + "' has no absolute socket path (write three slashes:"
          + " unix:///run/...)." + fix);
    }
    Path socket = Path.of(path);
    if (!Files.exists(socket)) {
      throw new PodgateException(source + " = '" + value + "': " + socket + " does not exist; is the runtime running?"
          + fix);
    }
    if (!isSocket(socket)) {
      throw new PodgateException(source + " = '" + value + "': " + socket + " exists but is not a unix socket ("
          + describe(socket) + ")." + fix);
    }
    return new CriEndpoint(socket, source);
  }

  public String uri() {
    return "unix://" + socket;
  }

  /** A client on this endpoint; the caller closes it. */
  public CriClient connect() {
    return CriClient.connect(socket);
  }

  static boolean isSocket(Path p) {
    try {
      Object mode = Files.getAttribute(p, "unix:mode");
      return mode instanceof Integer m && (m & 0170000) == 0140000;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }

  private static String describe(Path p) {
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      return "a directory";
    }
    if (Files.isRegularFile(p)) {
      return "a regular file";
    }
    return "not a socket";
  }
}
