package io.podgate.internal.report;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;

/** Turns any test id into a safe file name stem: [A-Za-z0-9._-] only, bounded length, no clashes. */
public final class TestIds {
  /** Longest stem returned; with ".json" it stays well below the 255-byte file name limit. */
  public static final int MAX_LENGTH = 120;

  private static final Set<String> RESERVED = Set.of("summary", "index");

  private TestIds() {}

  /**
   * The file name stem for {@code testId}. Ids that are already safe are kept as they are; any id
   * that had to be changed or shortened gets a hash of the original appended, so two different ids
   * never share a file.
   */
  public static String fileStem(String testId) {
    String clean = testId
        .replaceAll("[^A-Za-z0-9._-]+", "_")
        .replaceAll("\\.{2,}", ".")
        .replaceAll("_{2,}", "_")
        .replaceAll("^[._-]+", "")
        .replaceAll("[._]+$", "");
    boolean changed = clean.isEmpty() || !clean.equals(testId) || RESERVED.contains(clean.toLowerCase(Locale.ROOT));
    if (!changed && clean.length() <= MAX_LENGTH) {
      return clean;
    }
    String hash = hash(testId);
    int room = MAX_LENGTH - hash.length() - 1;
    if (clean.length() > room) {
      clean = clean.substring(0, room).replaceAll("[._]+$", "");
    }
    return clean.isEmpty() ? "test-" + hash : clean + "-" + hash;
  }

  private static String hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from this JVM", e);
    }
  }
}
