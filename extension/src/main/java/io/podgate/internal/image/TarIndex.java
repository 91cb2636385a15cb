package io.podgate.internal.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The regular files of an uncompressed tar archive with where their bytes sit, so each can be
 * read later without unpacking. Understands ustar prefixes, PAX path records and GNU long names.
 */
final class TarIndex {
  record Entry(String name, long offset, long size) {}

  private final Path archive;
  private final Map<String, Entry> files;

  private TarIndex(Path archive, Map<String, Entry> files) {
    this.archive = archive;
    this.files = files;
  }

  /** Scans {@code archive}; throws {@link IOException} naming the offset if it is not a tar. */
  static TarIndex read(Path archive) throws IOException {
    Map<String, Entry> files = new LinkedHashMap<>();
    try (FileChannel ch = FileChannel.open(archive, StandardOpenOption.READ)) {
      long length = ch.size();
      long pos = 0;
      String longName = null;
      Long paxSize = null;
      ByteBuffer header = ByteBuffer.allocate(512);
      while (pos + 512 <= length) {
        header.clear();
        readFully(ch, header, pos);
        byte[] h = header.array();
        if (allZero(h)) {
          break;
        }
        if (!checksumOk(h)) {
          throw new IOException("not a tar archive (bad header checksum at byte " + pos + ")");
        }
        long size = parseNumber(h, 124, 12, pos);
        char type = (char) h[156];
        long dataOffset = pos + 512;
        long next = dataOffset + ((size + 511) / 512) * 512;
        if (next > length) {
          throw new IOException("truncated tar archive: entry at byte " + pos + " needs " + size
              + " bytes but the file ends at " + length);
        }
        switch (type) {
          case 'x' -> {
            Map<String, String> pax = parsePax(readString(ch, dataOffset, size));
            if (pax.containsKey("path")) {
              longName = pax.get("path");
            }
            if (pax.containsKey("size")) {
              paxSize = Long.parseLong(pax.get("size"));
            }
          }
          case 'L' -> longName = trimNul(readString(ch, dataOffset, size));
          case 'g' -> { }
          default -> {
            String name = longName != null ? longName : ustarName(h);
            long realSize = paxSize != null ? paxSize : size;
            if (paxSize != null) {
              next = dataOffset + ((realSize + 511) / 512) * 512;
            }
            longName = null;
            paxSize = null;
            if (type == '0' || type == 0 || type == '7') {
              files.put(normalize(name), new Entry(normalize(name), dataOffset, realSize));
            }
          }
        }
        pos = next;
      }
    }
    return new TarIndex(archive, Collections.unmodifiableMap(files));
  }

  Path archive() {
    return archive;
  }

  Map<String, Entry> files() {
    return files;
  }

  Entry find(String name) {
    return files.get(normalize(name));
  }

  /** A stream over exactly one entry's bytes. */
  InputStream open(Entry entry) throws IOException {
    FileChannel ch = FileChannel.open(archive, StandardOpenOption.READ);
    ch.position(entry.offset());
    InputStream raw = Channels.newInputStream(ch);
    return new InputStream() {
      long left = entry.size();

      @Override
      public int read() throws IOException {
        if (left <= 0) {
          return -1;
        }
        int b = raw.read();
        if (b >= 0) {
          left--;
        }
        return b;
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        if (left <= 0) {
          return -1;
        }
        int n = raw.read(buf, off, (int) Math.min(len, left));
        if (n > 0) {
          left -= n;
        }
        return n;
      }

      @Override
      public void close() throws IOException {
        raw.close();
      }
    };
  }

  byte[] readAll(Entry entry) throws IOException {
    if (entry.size() > 64L * 1024 * 1024) {
      throw new IOException(entry.name() + " is " + entry.size() + " bytes, too large to read into memory");
    }
    try (InputStream in = open(entry)) {
      return in.readAllBytes();
    }
  }

  static String normalize(String name) {
    String n = name;
    while (n.startsWith("./")) {
      n = n.substring(2);
    }
    while (n.startsWith("/")) {
      n = n.substring(1);
    }
    return n;
  }

  private static String ustarName(byte[] h) {
    String name = cString(h, 0, 100);
    boolean ustar = h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r';
    if (ustar) {
      String prefix = cString(h, 345, 155);
      if (!prefix.isEmpty()) {
        return prefix + "/" + name;
      }
    }
    return name;
  }

  private static String cString(byte[] h, int off, int len) {
    int end = off;
    while (end < off + len && h[end] != 0) {
      end++;
    }
    return new String(h, off, end - off, StandardCharsets.UTF_8);
  }

  private static long parseNumber(byte[] h, int off, int len, long pos) throws IOException {
    if ((h[off] & 0x80) != 0) {
      long v = h[off] & 0x7f;
      for (int i = off + 1; i < off + len; i++) {
        v = (v << 8) | (h[i] & 0xff);
      }
      return v;
    }
    String s = cString(h, off, len).trim();
    if (s.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseLong(s, 8);
    } catch (NumberFormatException e) {
      throw new IOException("not a tar archive (size field '" + s + "' at byte " + pos + ")");
    }
  }

  private static boolean checksumOk(byte[] h) {
    long unsigned = 0;
    for (int i = 0; i < 512; i++) {
      unsigned += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
    }
    String s = cString(h, 148, 8).trim();
    try {
      return !s.isEmpty() && Long.parseLong(s, 8) == unsigned;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static boolean allZero(byte[] h) {
    for (byte b : h) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static Map<String, String> parsePax(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    int i = 0;
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    while (i < bytes.length) {
      int sp = i;
      while (sp < bytes.length && bytes[sp] != ' ') {
        sp++;
      }
      if (sp >= bytes.length) {
        break;
      }
      int len = Integer.parseInt(new String(bytes, i, sp - i, StandardCharsets.US_ASCII));
      String record = new String(bytes, sp + 1, len - (sp - i) - 2, StandardCharsets.UTF_8);
      int eq = record.indexOf('=');
      if (eq > 0) {
        out.put(record.substring(0, eq), record.substring(eq + 1));
      }
      i += len;
    }
    return out;
  }

  private static String readString(FileChannel ch, long offset, long size) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate((int) size);
    readFully(ch, buf, offset);
    return new String(buf.array(), StandardCharsets.UTF_8);
  }

  private static String trimNul(String s) {
    int z = s.indexOf('\0');
    return z >= 0 ? s.substring(0, z) : s;
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    long p = pos;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, p);
      if (n < 0) {
        throw new IOException("unexpected end of tar archive at byte " + p);
      }
      p += n;
    }
  }
}
