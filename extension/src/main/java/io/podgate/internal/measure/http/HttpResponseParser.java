package io.podgate.internal.measure.http;

import java.nio.ByteBuffer;

/**
 * Incremental HTTP/1.x response parser that works on raw bytes without building Strings. Feed it
 * whatever arrived with {@link #parse(ByteBuffer)}; it consumes bytes up to the end of one response
 * and leaves any following (pipelined) bytes in the buffer. One instance per connection, reused via
 * {@link #reset(boolean)}.
 */
final class HttpResponseParser {
  static final int MAX_LINE_BYTES = 16 * 1024;

  private enum State {
    STATUS_LINE,
    HEADER_LINE,
    BODY_LENGTH,
    CHUNK_SIZE_LINE,
    CHUNK_DATA,
    CHUNK_DATA_END,
    TRAILER_LINE,
    BODY_UNTIL_CLOSE,
    DONE
  }

  private static final byte[] CONTENT_LENGTH = ascii("content-length");
  private static final byte[] TRANSFER_ENCODING = ascii("transfer-encoding");
  private static final byte[] CONNECTION = ascii("connection");
  private static final byte[] CHUNKED = ascii("chunked");
  private static final byte[] CLOSE = ascii("close");
  private static final byte[] KEEP_ALIVE = ascii("keep-alive");

  private final byte[] line = new byte[MAX_LINE_BYTES];
  private int lineLength;
  private State state = State.STATUS_LINE;
  private boolean headRequest;

  private int status;
  private boolean http10;
  private boolean keepAlive;
  private boolean connectionClose;
  private boolean connectionKeepAlive;
  private long contentLength;
  private boolean chunked;
  private long remaining;

  /** Prepares for the next response; {@code headRequest} means the response carries no body. */
  void reset(boolean headRequest) {
    this.headRequest = headRequest;
    state = State.STATUS_LINE;
    lineLength = 0;
    status = 0;
    http10 = false;
    keepAlive = true;
    connectionClose = false;
    connectionKeepAlive = false;
    contentLength = -1;
    chunked = false;
    remaining = 0;
  }

  /** Status code of the current response (0 before the status line arrived). */
  int status() {
    return status;
  }

  /** Whether the connection may carry another request once this response is complete. */
  boolean keepAlive() {
    return keepAlive;
  }

  boolean isComplete() {
    return state == State.DONE;
  }

  /** True while bytes of a started response have been consumed but it is not complete. */
  boolean inProgress() {
    return state != State.DONE && (state != State.STATUS_LINE || lineLength > 0);
  }

  /**
   * Consumes bytes from {@code buf} (advancing its position) until one response is complete or the
   * buffer is empty.
   *
   * @return true when the response is complete; bytes after it remain in {@code buf}
   */
  boolean parse(ByteBuffer buf) {
    while (state != State.DONE && buf.hasRemaining()) {
      switch (state) {
        case STATUS_LINE:
        case HEADER_LINE:
        case CHUNK_SIZE_LINE:
        case TRAILER_LINE:
          if (readLine(buf)) {
            onLine();
          }
          break;
        case BODY_LENGTH:
        case CHUNK_DATA:
          {
            int n = (int) Math.min(remaining, buf.remaining());
            buf.position(buf.position() + n);
            remaining -= n;
            if (remaining == 0) {
              state = state == State.BODY_LENGTH ? State.DONE : State.CHUNK_DATA_END;
            }
            break;
          }
        case CHUNK_DATA_END:
          if (readLine(buf)) {
            if (lineLength != 0) {
              throw new HttpParseException("chunk data is not followed by CRLF (chunk size too small?)");
            }
            state = State.CHUNK_SIZE_LINE;
          }
          break;
        case BODY_UNTIL_CLOSE:
          buf.position(buf.limit());
          break;
        default:
          throw new IllegalStateException(state.name());
      }
    }
    return state == State.DONE;
  }

  /**
   * Tells the parser the peer closed the connection.
   *
   * @return true if that completes the response (a body delimited by close)
   */
  boolean endOfStream() {
    if (state == State.BODY_UNTIL_CLOSE) {
      state = State.DONE;
      keepAlive = false;
      return true;
    }
    return state == State.DONE;
  }

  /** Accumulates one line without its CR LF; returns true when the line is complete. */
  private boolean readLine(ByteBuffer buf) {
    int pos = buf.position();
    int limit = buf.limit();
    while (pos < limit) {
      byte b = buf.get(pos++);
      if (b == '\n') {
        buf.position(pos);
        if (lineLength > 0 && line[lineLength - 1] == '\r') {
          lineLength--;
        }
        return true;
      }
      if (lineLength == MAX_LINE_BYTES) {
        throw new HttpParseException(
            "response line longer than " + MAX_LINE_BYTES + " bytes (is the peer speaking HTTP?)");
      }
      line[lineLength++] = b;
    }
    buf.position(pos);
    return false;
  }

  private void onLine() {
    int length = lineLength;
    lineLength = 0;
    switch (state) {
      case STATUS_LINE:
        parseStatusLine(length);
        state = State.HEADER_LINE;
        break;
      case HEADER_LINE:
        if (length == 0) {
          endOfHeaders();
        } else {
          parseHeader(length);
        }
        break;
      case CHUNK_SIZE_LINE:
        remaining = parseChunkSize(length);
        state = remaining == 0 ? State.TRAILER_LINE : State.CHUNK_DATA;
        break;
      case TRAILER_LINE:
        if (length == 0) {
          state = State.DONE;
        }
        break;
      default:
        throw new IllegalStateException(state.name());
    }
  }

  private void parseStatusLine(int length) {
    // "HTTP/1.1 200 OK": version (8 bytes), space, three digits
    if (length < 12
        || line[0] != 'H'
        || line[1] != 'T'
        || line[2] != 'T'
        || line[3] != 'P'
        || line[4] != '/'
        || line[8] != ' ') {
      throw new HttpParseException("malformed status line: '" + printable(length) + "'");
    }
    int code = 0;
    for (int i = 9; i < 12; i++) {
      int d = line[i] - '0';
      if (d < 0 || d > 9) {
        throw new HttpParseException("malformed status code in '" + printable(length) + "'");
      }
      code = code * 10 + d;
    }
    status = code;
    http10 = line[5] == '1' && line[7] == '0';
  }

  private void parseHeader(int length) {
    int colon = -1;
    for (int i = 0; i < length; i++) {
      if (line[i] == ':') {
        colon = i;
        break;
      }
    }
    if (colon <= 0) {
      throw new HttpParseException("malformed header line: '" + printable(length) + "'");
    }
    int valueStart = colon + 1;
    int valueEnd = length;
    while (valueStart < valueEnd && isSpace(line[valueStart])) {
      valueStart++;
    }
    while (valueEnd > valueStart && isSpace(line[valueEnd - 1])) {
      valueEnd--;
    }
    if (nameEquals(colon, CONTENT_LENGTH)) {
      contentLength = parseContentLength(valueStart, valueEnd, length);
    } else if (nameEquals(colon, TRANSFER_ENCODING)) {
      // chunked must be the last coding when present
      chunked = endsWithIgnoreCase(valueStart, valueEnd, CHUNKED);
    } else if (nameEquals(colon, CONNECTION)) {
      if (containsToken(valueStart, valueEnd, CLOSE)) {
        connectionClose = true;
      }
      if (containsToken(valueStart, valueEnd, KEEP_ALIVE)) {
        connectionKeepAlive = true;
      }
    }
  }

  private void endOfHeaders() {
    keepAlive = connectionClose ? false : (!http10 || connectionKeepAlive);
    if (status >= 100 && status < 200) {
      // interim response: the real one follows on the same connection
      int s = status;
      boolean head = headRequest;
      reset(head);
      status = s;
      return;
    }
    if (headRequest || status == 204 || status == 304) {
      state = State.DONE;
    } else if (chunked) {
      state = State.CHUNK_SIZE_LINE;
    } else if (contentLength >= 0) {
      remaining = contentLength;
      state = remaining == 0 ? State.DONE : State.BODY_LENGTH;
    } else {
      keepAlive = false;
      state = State.BODY_UNTIL_CLOSE;
    }
  }

  private long parseContentLength(int from, int to, int length) {
    if (from == to) {
      throw new HttpParseException("empty Content-Length in '" + printable(length) + "'");
    }
    long value = 0;
    for (int i = from; i < to; i++) {
      int d = line[i] - '0';
      if (d < 0 || d > 9 || value > (Long.MAX_VALUE - 9) / 10) {
        throw new HttpParseException("invalid Content-Length in '" + printable(length) + "'");
      }
      value = value * 10 + d;
    }
    return value;
  }

  private long parseChunkSize(int length) {
    long value = 0;
    int digits = 0;
    for (int i = 0; i < length; i++) {
      byte b = line[i];
      int d;
      if (b >= '0' && b <= '9') {
        d = b - '0';
      } else if (b >= 'a' && b <= 'f') {
        d = b - 'a' + 10;
      } else if (b >= 'A' && b <= 'F') {
        d = b - 'A' + 10;
      } else if (b == ';' || isSpace(b)) {
        break; // chunk extension follows
      } else {
        throw new HttpParseException("invalid chunk size line: '" + printable(length) + "'");
      }
      if (++digits > 15) {
        throw new HttpParseException("chunk size too large: '" + printable(length) + "'");
      }
      value = (value << 4) | d;
    }
    if (digits == 0) {
      throw new HttpParseException("missing chunk size: '" + printable(length) + "'");
    }
    return value;
  }

  private boolean nameEquals(int nameLength, byte[] lowerName) {
    if (nameLength != lowerName.length) {
      return false;
    }
    for (int i = 0; i < nameLength; i++) {
      if (lower(line[i]) != lowerName[i]) {
        return false;
      }
    }
    return true;
  }

  private boolean endsWithIgnoreCase(int from, int to, byte[] lowerWord) {
    int start = to - lowerWord.length;
    if (start < from) {
      return false;
    }
    if (start > from && line[start - 1] != ',' && !isSpace(line[start - 1])) {
      return false;
    }
    for (int i = 0; i < lowerWord.length; i++) {
      if (lower(line[start + i]) != lowerWord[i]) {
        return false;
      }
    }
    return true;
  }

  private boolean containsToken(int from, int to, byte[] lowerToken) {
    int i = from;
    while (i < to) {
      while (i < to && (line[i] == ',' || isSpace(line[i]))) {
        i++;
      }
      int start = i;
      while (i < to && line[i] != ',') {
        i++;
      }
      int end = i;
      while (end > start && isSpace(line[end - 1])) {
        end--;
      }
      if (end - start == lowerToken.length) {
        boolean match = true;
        for (int k = 0; k < lowerToken.length; k++) {
          if (lower(line[start + k]) != lowerToken[k]) {
            match = false;
            break;
          }
        }
        if (match) {
          return true;
        }
      }
    }
    return false;
  }

  private String printable(int length) {
    StringBuilder sb = new StringBuilder(Math.min(length, 120));
    for (int i = 0; i < length && i < 120; i++) {
      int c = line[i] & 0xff;
      sb.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
    }
    return sb.toString();
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t';
  }

  private static byte lower(byte b) {
    return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** The response bytes do not form valid HTTP/1.x. */
  static final class HttpParseException extends RuntimeException {
    HttpParseException(String message) {
      super(message);
    }
  }
}
