package io.podgate.internal.pod;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Turns free text (test names, display names, field names) into what Kubernetes accepts: label
 * values (at most 63 of {@code [A-Za-z0-9._-]}, starting and ending alphanumeric) and DNS labels for
 * names (at most 63 of {@code [a-z0-9-]}). Text cut short ends in a hash of the whole, so two long
 * names that share a prefix stay apart.
 */
public final class K8sNames {
  public static final int MAX = 63;

  private K8sNames() {}

  /** A valid label value for {@code text}; empty text gives an empty value (allowed). */
  public static String labelValue(String text) {
    String s = text.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("-{2,}", "-")
        .replaceAll("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "");
    return fit(s, text, "");
  }

  /** A valid DNS label (pod or container name) for {@code text}; {@code fallback} when nothing is left. */
  public static String dnsLabel(String text, String fallback) {
    String s = text.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT)
        .replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    return fit(s, text, fallback);
  }

  public static boolean isLabelValue(String s) {
    return s.length() <= MAX && s.matches("([A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?)?");
  }

  public static boolean isDnsLabel(String s) {
    return s.length() <= MAX && s.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  }

  private static String fit(String cleaned, String original, String fallback) {
    if (cleaned.isEmpty()) {
      return original.isEmpty() || fallback.isEmpty() ? fallback : fallback + "-" + hash(original);
    }
    if (cleaned.length() <= MAX) {
      return cleaned;
    }
    String head = cleaned.substring(0, MAX - 9).replaceAll("[^A-Za-z0-9]+$", "");
    return head + "-" + hash(original);
  }

  private static String hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
