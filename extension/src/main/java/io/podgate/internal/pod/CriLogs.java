package io.podgate.internal.pod;

import io.podgate.LogEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Reads CRI log files as the runtime writes them. Each line of the file is
 * {@code <RFC 3339 time> <stdout|stderr> <P|F>[:more tags] <content>}. The pieces of one stream join until a piece
 * tagged F ends the entry; the two streams never join each other. Content is bytes, decoded as UTF-8 with
 * malformed sequences replaced by U+FFFD only once an entry's pieces are joined (a runtime splits long lines
 * anywhere, even inside a character). Lines without a valid header are skipped; a last line the runtime is
 * still writing (no newline yet) counts with what it holds so far, and entries not ended yet are returned as
 * they are.
 */
public final class CriLogs {
  private static final byte NEWLINE = '\n';
  private static final byte SPACE = ' ';
  static final int TAIL_ENTRY_CHARS = 1000;

  private CriLogs() {}

  /**
   * Entries of {@code file}, in the order their first pieces appear in it; empty if the file does not exist (yet).
   *
   * @throws UncheckedIOException if the file exists but cannot be read
   */
  public static List<LogEntry> read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read CRI log file " + file + ": " + e.getMessage(), e);
    }
    return parse(bytes);
  }

  /** The entries' text, one entry a line, joined by {@code '\n'} (no newline after the last one). */
  public static String text(List<LogEntry> entries) {
    StringBuilder out = new StringBuilder();
    for (LogEntry e : entries) {
      if (!out.isEmpty()) {
        out.append('\n');
      }
      out.append(e.text());
    }
    return out.toString();
  }

  /** One entry as a line for people: {@code <time> <stdout|stderr> <text>}. */
  public static String describe(LogEntry e) {
    return e.time() + " " + streamName(e.stream()) + " " + e.text();
  }

  /**
   * The last {@code count} entries, each {@link #describe described} and cut after {@value #TAIL_ENTRY_CHARS}
   * characters of text, joined by {@code '\n'}: for messages, where a 30,000-character line helps nobody.
   */
  public static String tail(List<LogEntry> entries, int count) {
    StringBuilder out = new StringBuilder();
    for (LogEntry e : entries.subList(Math.max(0, entries.size() - count), entries.size())) {
      if (!out.isEmpty()) {
        out.append('\n');
      }
      int cut = e.text().length() - TAIL_ENTRY_CHARS;
      out.append(cut <= 0 ? describe(e)
          : describe(new LogEntry(e.stream(), e.time(), e.text().substring(0, TAIL_ENTRY_CHARS)))
              + "... (" + cut + " more characters)");
    }
    return out.toString();
  }

  static List<LogEntry> parse(byte[] bytes) {
    List<Pending> entries = new ArrayList<>();
    Map<LogEntry.Stream, Pending> open = new EnumMap<>(LogEntry.Stream.class);
    int start = 0;
    while (start < bytes.length) {
      int end = indexOf(bytes, NEWLINE, start, bytes.length);
      if (end < 0) {
        end = bytes.length;
      }
      Piece piece = Piece.parse(bytes, start, end);
      if (piece != null) {
        Pending entry = open.get(piece.stream);
        if (entry == null) {
          entry = new Pending(piece.stream, piece.time);
          entries.add(entry);
          open.put(piece.stream, entry);
        }
        entry.content.write(bytes, piece.contentStart, end - piece.contentStart);
        if (!piece.partial) {
          open.remove(piece.stream);
        }
      }
      start = end + 1;
    }
    List<LogEntry> out = new ArrayList<>(entries.size());
    for (Pending p : entries) {
      out.add(new LogEntry(p.stream, p.time, decode(p.content.toByteArray())));
    }
    return out;
  }

  private static String decode(byte[] content) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE);
    try {
      return decoder.decode(ByteBuffer.wrap(content)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalStateException("a replacing UTF-8 decoder threw", e);
    }
  }

  private static String streamName(LogEntry.Stream s) {
    return s == LogEntry.Stream.STDOUT ? "stdout" : "stderr";
  }

  private static int indexOf(byte[] bytes, byte b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /** The header of one line and where its content starts. */
  private record Piece(Instant time, LogEntry.Stream stream, boolean partial, int contentStart) {
    /** Null if the line has no valid header. */
    static Piece parse(byte[] bytes, int start, int end) {
      int timeEnd = indexOf(bytes, SPACE, start, end);
      if (timeEnd < 0) {
        return null;
      }
      int streamEnd = indexOf(bytes, SPACE, timeEnd + 1, end);
      if (streamEnd < 0) {
        return null;
      }
      int tagEnd = indexOf(bytes, SPACE, streamEnd + 1, end);
      int contentStart = tagEnd < 0 ? end : tagEnd + 1;
      if (tagEnd < 0) {
        tagEnd = end;
      }
      Instant time;
      try {
        time = OffsetDateTime.parse(ascii(bytes, start, timeEnd), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
      } catch (DateTimeParseException e) {
        return null;
      }
      LogEntry.Stream stream = switch (ascii(bytes, timeEnd + 1, streamEnd)) {
        case "stdout" -> LogEntry.Stream.STDOUT;
        case "stderr" -> LogEntry.Stream.STDERR;
        default -> null;
      };
      if (stream == null) {
        return null;
      }
      // Further tags may follow the first one after ':' (CRI keeps the format open to them).
      String tags = ascii(bytes, streamEnd + 1, tagEnd);
      int colon = tags.indexOf(':');
      String first = colon < 0 ? tags : tags.substring(0, colon);
      return switch (first) {
        case "P" -> new Piece(time, stream, true, contentStart);
        case "F" -> new Piece(time, stream, false, contentStart);
        default -> null;
      };
    }

    private static String ascii(byte[] bytes, int from, int to) {
      return new String(bytes, from, to - from, StandardCharsets.US_ASCII);
    }
  }

  private static final class Pending {
    final LogEntry.Stream stream;
    final Instant time;
    final ByteArrayOutputStream content = new ByteArrayOutputStream();

    Pending(LogEntry.Stream stream, Instant time) {
      this.stream = stream;
      this.time = time;
    }
  }
}
