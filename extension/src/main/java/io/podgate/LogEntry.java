package io.podgate;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of a container's log: what the container wrote to one of its outputs between two newlines of that
 * output, read from the CRI log file the runtime keeps.
 *
 * @param stream the output the entry came from
 * @param time when the runtime wrote the entry's first piece (a runtime writes a long line, or a line it has only
 *     partly received, in several pieces; {@code time} is the first one's, so entries sorted by it keep the order
 *     in which they began)
 * @param text the bytes of the entry without its newline, decoded as UTF-8: a malformed sequence becomes U+FFFD,
 *     every other byte is kept (carriage returns, NUL and other control characters included). An entry the
 *     container has not ended with a newline yet holds what it wrote so far.
 */
public record LogEntry(Stream stream, Instant time, String text) {
  /** The container output an entry came from. */
  public enum Stream {
    STDOUT,
    STDERR
  }

  public LogEntry {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(text, "text");
  }
}
