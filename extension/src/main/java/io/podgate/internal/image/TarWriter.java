package io.podgate.internal.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes a reproducible tar stream: every entry has mtime 0, uid/gid 0 and empty owner names, so
 * the same entries in the same order give the same bytes. Names too long for ustar get a PAX
 * header.
 */
final class TarWriter {
  private static final int BLOCK = 512;

  private final OutputStream out;
  private long written;

  TarWriter(OutputStream out) {
    this.out = out;
  }

  void directory(String name, int mode) throws IOException {
    String dirName = name.endsWith("/") ? name : name + "/";
    header(dirName, mode, 0, '5', "");
  }

  void file(String name, int mode, byte[] content) throws IOException {
    header(name, mode, content.length, '0', "");
    out.write(content);
    written += content.length;
    pad();
  }

  /** Copies exactly {@code size} bytes of {@code content}; a short stream is an error. */
  void file(String name, int mode, long size, InputStream content) throws IOException {
    header(name, mode, size, '0', "");
    byte[] buf = new byte[64 * 1024];
    long left = size;
    while (left > 0) {
      int n = content.read(buf, 0, (int) Math.min(buf.length, left));
      if (n < 0) {
        throw new IOException("tar entry " + name + " ended after " + (size - left) + " of " + size + " bytes");
      }
      out.write(buf, 0, n);
      left -= n;
    }
    written += size;
    pad();
  }

  void symlink(String name, String target) throws IOException {
    header(name, 0777, 0, '2', target);
  }

  /** Writes the two zero blocks that end a tar archive; the underlying stream stays open. */
  void finish() throws IOException {
    out.write(new byte[2 * BLOCK]);
    written += 2 * BLOCK;
    out.flush();
  }

  private void header(String name, int mode, long size, char type, String linkName) throws IOException {
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    byte[] linkBytes = linkName.getBytes(StandardCharsets.UTF_8);
    String ustarName = name;
    String ustarPrefix = "";
    boolean needPax = linkBytes.length > 100;
    if (nameBytes.length > 100) {
      int split = splitPoint(name);
      if (split < 0) {
        needPax = true;
        ustarName = "";
      } else {
        ustarPrefix = name.substring(0, split);
        ustarName = name.substring(split + 1);
      }
    }
    if (needPax) {
      StringBuilder records = new StringBuilder();
      if (nameBytes.length > 100 && ustarName.isEmpty()) {
        records.append(paxRecord("path", name));
        ustarName = truncate(name, 100);
      }
      if (linkBytes.length > 100) {
        records.append(paxRecord("linkpath", linkName));
        linkName = truncate(linkName, 100);
      }
      byte[] pax = records.toString().getBytes(StandardCharsets.UTF_8);
      rawHeader(truncate("PaxHeaders/" + name, 100), "", 0644, pax.length, 'x', "");
      out.write(pax);
      written += pax.length;
      pad();
    }
    rawHeader(ustarName, ustarPrefix, mode, size, type, linkName);
  }

  private void rawHeader(String name, String prefix, int mode, long size, char type, String linkName)
      throws IOException {
    byte[] h = new byte[BLOCK];
    put(h, 0, 100, name);
    octal(h, 100, 8, mode & 07777);
    octal(h, 108, 8, 0);
    octal(h, 116, 8, 0);
    octal(h, 124, 12, size);
    octal(h, 136, 12, 0);
    Arrays.fill(h, 148, 156, (byte) ' ');
    h[156] = (byte) type;
    put(h, 157, 100, linkName);
    put(h, 257, 6, "ustar");
    h[263] = '0';
    h[264] = '0';
    put(h, 345, 155, prefix);
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    String chk = String.format("%06o", sum);
    put(h, 148, 6, chk);
    h[154] = 0;
    h[155] = ' ';
    out.write(h);
    written += BLOCK;
  }

  private void pad() throws IOException {
    int rem = (int) (written % BLOCK);
    if (rem != 0) {
      out.write(new byte[BLOCK - rem]);
      written += BLOCK - rem;
    }
  }

  private static int splitPoint(String name) {
    for (int i = name.length() - 1; i > 0; i--) {
      if (name.charAt(i) == '/') {
        int prefixLen = name.substring(0, i).getBytes(StandardCharsets.UTF_8).length;
        int nameLen = name.substring(i + 1).getBytes(StandardCharsets.UTF_8).length;
        if (prefixLen <= 155 && nameLen <= 100 && nameLen > 0) {
          return i;
        }
      }
    }
    return -1;
  }

  private static String paxRecord(String key, String value) {
    String body = " " + key + "=" + value + "\n";
    int bodyLen = body.getBytes(StandardCharsets.UTF_8).length;
    int len = bodyLen + 1;
    while (String.valueOf(len).length() + bodyLen != len) {
      len = String.valueOf(len).length() + bodyLen;
    }
    return len + body;
  }

  private static String truncate(String s, int maxBytes) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return b.length <= maxBytes ? s : new String(b, 0, maxBytes, StandardCharsets.US_ASCII).replace('\uFFFD', '_');
  }

  private static void put(byte[] h, int off, int len, String value) {
    byte[] b = value.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(b, 0, h, off, Math.min(len, b.length));
  }

  private static void octal(byte[] h, int off, int len, long value) {
    String s = Long.toOctalString(value);
    if (s.length() > len - 1) {
      throw new IllegalArgumentException("value " + value + " does not fit a " + len + "-byte tar field");
    }
    String padded = "0".repeat(len - 1 - s.length()) + s;
    put(h, off, len - 1, padded);
    h[off + len - 1] = 0;
  }
}
