package io.podgate.internal.image;

import io.podgate.PodgateException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** sha256 content digests in OCI form, {@code sha256:<64 lowercase hex>}. */
public final class Digests {
  private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");

  private Digests() {}

  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  public static String sha256(byte[] bytes) {
    return format(newSha256().digest(bytes));
  }

  /** Reads {@code in} to its end and returns its digest. */
  public static String sha256(InputStream in) throws IOException {
    MessageDigest md = newSha256();
    byte[] buf = new byte[64 * 1024];
    for (int n; (n = in.read(buf)) > 0; ) {
      md.update(buf, 0, n);
    }
    return format(md.digest());
  }

  public static String format(byte[] sha256) {
    return "sha256:" + HexFormat.of().formatHex(sha256);
  }

  public static boolean isSha256(String digest) {
    return digest != null && SHA256.matcher(digest).matches();
  }

  /** The hex part of a valid sha256 digest; anything else is refused with {@code what} named. */
  public static String hex(String digest, String what) {
    if (!isSha256(digest)) {
      throw new PodgateException(
          what + " has digest '" + digest + "', expected 'sha256:' followed by 64 lowercase hex digits");
    }
    return digest.substring("sha256:".length());
  }

  /** Path of a blob inside an OCI image layout. */
  public static String blobPath(String digest, String what) {
    return "blobs/sha256/" + hex(digest, what);
  }
}
