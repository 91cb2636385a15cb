package io.podgate.internal.host;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.jar.JarFile;

/** The class path a helper JVM (watchdog, janitor) needs to run podgate's own classes. */
public final class JvmClasspath {
  private JvmClasspath() {}

  /** This JVM's class path, with manifest-only jars (as surefire writes them) expanded. */
  public static String current() {
    Set<String> entries = new LinkedHashSet<>();
    try {
      entries.add(Path.of(JvmClasspath.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
    } catch (Exception e) {
      // fall back to java.class.path alone
    }
    for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      if (entry.isEmpty()) {
        continue;
      }
      entries.add(entry);
      if (entry.endsWith(".jar") && Files.isRegularFile(Path.of(entry))) {
        entries.addAll(manifestClassPath(Path.of(entry)));
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  private static Set<String> manifestClassPath(Path jarPath) {
    Set<String> refs = new LinkedHashSet<>();
    try (JarFile jar = new JarFile(jarPath.toFile())) {
      var manifest = jar.getManifest();
      String cp = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
      if (cp != null) {
        for (String ref : cp.trim().split("\\s+")) {
          URI uri = jarPath.toUri().resolve(ref);
          if ("file".equals(uri.getScheme())) {
            refs.add(Path.of(uri).toString());
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // keep the jar as it is
    }
    return refs;
  }
}
