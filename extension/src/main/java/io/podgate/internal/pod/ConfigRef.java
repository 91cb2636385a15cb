package io.podgate.internal.pod;

import io.podgate.PodgateException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A JSON config named by an annotation: a classpath resource, else a file. Empty means none. */
public record ConfigRef(String location, ClassLoader loader) {
  public static final ConfigRef NONE = new ConfigRef("", null);

  public boolean present() {
    return !location.isEmpty();
  }

  /** Reads the JSON text, or fails saying where it looked. */
  public String read(String origin, String attribute) {
    String resource = location.startsWith("/") ? location.substring(1) : location;
    URL url = loader == null ? null : loader.getResource(resource);
    try {
      if (url != null) {
        try (InputStream in = url.openStream()) {
          return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
      Path file = Path.of(location);
      if (Files.isRegularFile(file)) {
        return Files.readString(file);
      }
    } catch (IOException e) {
      throw new PodSpecException(origin, attribute + " = \"" + location + "\" cannot be read: " + e.getMessage());
    }
    throw new PodSpecException(origin, attribute + " = \"" + location + "\" is neither a classpath resource nor a file (looked for resource '"
        + resource + "' and file " + Path.of(location).toAbsolutePath() + ")");
  }
}
