package io.podgate.internal.measure.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpResponseParserTest {
  private final HttpResponseParser parser = new HttpResponseParser();

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void contentLengthBodyCompletesAfterExactlyThatManyBytes() {
    parser.reset(false);
    ByteBuffer buf = bytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nServer: x\r\n\r\nhello");
    assertThat(parser.parse(buf)).isTrue();
    assertThat(parser.status()).isEqualTo(200);
    assertThat(parser.keepAlive()).isTrue();
    assertThat(buf.remaining()).isZero();
  }

  @Test
  void headerNamesAreCaseInsensitiveAndValuesTrimmed() {
    parser.reset(false);
    ByteBuffer buf = bytes("HTTP/1.1 404 Not Found\r\ncOnTeNt-LeNgTh:   3  \r\n\r\nabcEXTRA");
    assertThat(parser.parse(buf)).isTrue();
    assertThat(parser.status()).isEqualTo(404);
    assertThat(buf.remaining()).isEqualTo("EXTRA".length());
  }

  @Test
  void chunkedBodyWithExtensionsAndTrailers() {
    parser.reset(false);
    String response =
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
            + "5;name=value\r\nhello\r\n"
            + "A\r\n0123456789\r\n"
            + "0\r\nX-Trailer: yes\r\n\r\n";
    ByteBuffer buf = bytes(response + "NEXT");
    assertThat(parser.parse(buf)).isTrue();
    assertThat(buf.remaining()).isEqualTo(4);
  }

  @Test
  void chunkDataContainingCrLfIsSkippedByCount() {
    parser.reset(false);
    ByteBuffer buf = bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n\r\n\r\n\r\n0\r\n\r\n");
    assertThat(parser.parse(buf)).isTrue();
    assertThat(buf.remaining()).isZero();
  }

  @Test
  void responseSplitAtEveryByteBoundaryParsesTheSame() {
    String[] responses = {
      "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world",
      "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
    };
    for (String response : responses) {
      byte[] all = response.getBytes(StandardCharsets.ISO_8859_1);
      for (int split = 1; split < all.length; split++) {
        parser.reset(false);
        ByteBuffer first = ByteBuffer.wrap(all, 0, split);
        boolean done = parser.parse(first);
        assertThat(first.remaining()).as("split at %d", split).isZero();
        assertThat(done).as("complete after only %d of %d bytes", split, all.length).isFalse();
        ByteBuffer rest = ByteBuffer.wrap(all, split, all.length - split);
        assertThat(parser.parse(rest)).as("split at %d", split).isTrue();
        assertThat(rest.remaining()).isZero();
      }
    }
  }

  @Test
  void oneByteAtATime() {
    byte[] all =
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1a\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\n\r\n"
            .getBytes(StandardCharsets.ISO_8859_1);
    parser.reset(false);
    for (int i = 0; i < all.length; i++) {
      boolean done = parser.parse(ByteBuffer.wrap(all, i, 1));
      assertThat(done).as("after byte %d of %d", i + 1, all.length).isEqualTo(i == all.length - 1);
    }
  }

  @Test
  void pipelinedResponsesInOneBufferAreParsedOneAfterAnother() {
    ByteBuffer buf =
        bytes(
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                + "HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                + "HTTP/1.1 302 Found\r\nContent-Length: 4\r\n\r\nmo");
    int[] statuses = new int[3];
    for (int i = 0; i < 3; i++) {
      parser.reset(false);
      assertThat(parser.parse(buf)).isTrue();
      statuses[i] = parser.status();
    }
    assertThat(statuses).containsExactly(200, 500, 200);
    parser.reset(false);
    assertThat(parser.parse(buf)).isFalse();
    assertThat(parser.status()).isEqualTo(302);
    assertThat(parser.inProgress()).isTrue();
    assertThat(parser.parse(bytes("re"))).isTrue();
  }

  @Test
  void connectionCloseEndsKeepAlive() {
    parser.reset(false);
    assertThat(parser.parse(bytes("HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 0\r\n\r\n")))
        .isTrue();
    assertThat(parser.keepAlive()).isFalse();

    parser.reset(false);
    assertThat(parser.parse(bytes("HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 0\r\n\r\n")))
        .isTrue();
    assertThat(parser.keepAlive()).isFalse();

    parser.reset(false);
    assertThat(parser.parse(bytes("HTTP/1.1 200 OK\r\nConnection: closed-not\r\nContent-Length: 0\r\n\r\n")))
        .isTrue();
    assertThat(parser.keepAlive()).isTrue();
  }

  @Test
  void http10ClosesUnlessKeepAliveIsAsked() {
    parser.reset(false);
    assertThat(parser.parse(bytes("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"))).isTrue();
    assertThat(parser.keepAlive()).isFalse();
    parser.reset(false);
    assertThat(parser.parse(bytes("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n")))
        .isTrue();
    assertThat(parser.keepAlive()).isTrue();
  }

  @Test
  void bodyWithoutLengthEndsAtEndOfStream() {
    parser.reset(false);
    assertThat(parser.parse(bytes("HTTP/1.1 200 OK\r\n\r\nsome body"))).isFalse();
    assertThat(parser.parse(bytes(" more"))).isFalse();
    assertThat(parser.endOfStream()).isTrue();
    assertThat(parser.keepAlive()).isFalse();
  }

  @Test
  void endOfStreamInsideALengthBodyIsNotAResponse() {
    parser.reset(false);
    assertThat(parser.parse(bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"))).isFalse();
    assertThat(parser.endOfStream()).isFalse();
    assertThat(parser.inProgress()).isTrue();
  }

  @Test
  void headAnd204And304HaveNoBodyDespiteContentLength() {
    parser.reset(true);
    assertThat(parser.parse(bytes("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n"))).isTrue();
    parser.reset(false);
    assertThat(parser.parse(bytes("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n"))).isTrue();
    parser.reset(false);
    assertThat(parser.parse(bytes("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n"))).isTrue();
  }

  @Test
  void interimResponseIsSkipped() {
    parser.reset(false);
    ByteBuffer buf = bytes("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx");
    assertThat(parser.parse(buf)).isTrue();
    assertThat(parser.status()).isEqualTo(200);
    assertThat(buf.remaining()).isZero();
  }

  @Test
  void malformedInputIsNamed() {
    parser.reset(false);
    assertThatThrownBy(() -> parser.parse(bytes("SSH-2.0-OpenSSH_9.2\r\n")))
        .isInstanceOf(HttpResponseParser.HttpParseException.class)
        .hasMessageContaining("status line")
        .hasMessageContaining("SSH-2.0");
    parser.reset(false);
    assertThatThrownBy(() -> parser.parse(bytes("HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n")))
        .hasMessageContaining("Content-Length");
    parser.reset(false);
    assertThatThrownBy(
            () -> parser.parse(bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")))
        .hasMessageContaining("chunk size");
    parser.reset(false);
    assertThatThrownBy(
            () -> parser.parse(bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n")))
        .hasMessageContaining("CRLF");
  }

  @Test
  void overlongLineIsRejected() {
    parser.reset(false);
    String longHeader = "X-Big: " + "a".repeat(HttpResponseParser.MAX_LINE_BYTES) + "\r\n";
    assertThatThrownBy(() -> parser.parse(bytes("HTTP/1.1 200 OK\r\n" + longHeader)))
        .hasMessageContaining("longer than");
  }
}
