package io.podgate.internal.pod;

import io.podgate.PodgateException;
import io.podgate.internal.cri.v1.AuthConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Registry settings given as system properties, per registry host ({@code host} or {@code host:port}):
 * {@code podgate.registry.<host>.username} with the password in the environment variable named by
 * {@code .passwordEnv} or in the file named by {@code .passwordFile} (never the password itself in a
 * property: build tools print and record properties), and {@code .insecure=true} for a plain-HTTP
 * registry of an embedded containerd. No message ever holds the password.
 */
public final class RegistryAuth {
  public static final String PREFIX = "podgate.registry.";

  private RegistryAuth() {}

  /** The registry host of a normalized reference ({@code host[:port]/repo:tag}). */
  public static String host(String normalizedReference) {
    int slash = normalizedReference.indexOf('/');
    return slash < 0 ? "" : normalizedReference.substring(0, slash);
  }

  /** Where the credentials of {@code host} come from, for messages (no secret in it). */
  public static String describe(String host) {
    String p = PREFIX + host + ".";
    String user = System.getProperty(p + "username");
    if (user == null) {
      return "no credentials for " + host + " (set system properties " + p + "username and " + p + "passwordEnv or "
          + p + "passwordFile)";
    }
    String from = System.getProperty(p + "passwordEnv") != null
        ? "environment variable " + System.getProperty(p + "passwordEnv") + " (" + p + "passwordEnv)"
        : "file " + System.getProperty(p + "passwordFile") + " (" + p + "passwordFile)";
    return "user '" + user + "' (" + p + "username) with the password from " + from;
  }

  /** Credentials configured for the registry of {@code normalizedReference}, if any. */
  public static Optional<AuthConfig> forImage(String normalizedReference) {
    String host = host(normalizedReference);
    String p = PREFIX + host + ".";
    String user = System.getProperty(p + "username");
    String env = System.getProperty(p + "passwordEnv");
    String file = System.getProperty(p + "passwordFile");
    if (host.isEmpty() || (user == null && env == null && file == null)) {
      return Optional.empty();
    }
    if (user == null || user.isBlank()) {
      throw new PodgateException("a password source is set for registry " + host + " but no user: set system property "
          + p + "username");
    }
    if (System.getProperty(p + "password") != null) {
      throw new PodgateException("system property " + p + "password is not read: properties end up in build logs and"
          + " test reports. Put the password in an environment variable and name it in " + p + "passwordEnv, or in a"
          + " file named by " + p + "passwordFile");
    }
    String password;
    if (env != null) {
      password = System.getenv(env);
      if (password == null || password.isEmpty()) {
        throw new PodgateException("registry " + host + ": environment variable " + env + " (named by " + p
            + "passwordEnv) is not set or empty");
      }
    } else if (file != null) {
      try {
        password = Files.readString(Path.of(file)).strip();
      } catch (IOException | RuntimeException e) {
        throw new PodgateException("registry " + host + ": cannot read the password file " + file + " (named by " + p
            + "passwordFile): " + e.getClass().getSimpleName());
      }
    } else {
      throw new PodgateException("registry " + host + ": user '" + user + "' is set but no password source: set "
          + p + "passwordEnv (an environment variable name) or " + p + "passwordFile");
    }
    boolean insecure = Boolean.getBoolean(p + "insecure");
    return Optional.of(AuthConfig.newBuilder().setUsername(user).setPassword(password)
        .setServerAddress((insecure ? "http://" : "https://") + host).build());
  }

  /** Hosts marked {@code podgate.registry.<host>.insecure=true}. */
  public static List<String> insecureHosts() {
    return System.getProperties().stringPropertyNames().stream()
        .filter(k -> k.startsWith(PREFIX) && k.endsWith(".insecure") && Boolean.getBoolean(k))
        .map(k -> k.substring(PREFIX.length(), k.length() - ".insecure".length()))
        .sorted().toList();
  }
}
