package io.podgate.internal.grpc;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The wire format between a test JVM and the runtime keeper that relays its unary gRPC calls to a
 * reused containerd ({@link RelayChannel} on one side, the keeper's relay on the other), over a unix
 * socket the keeper owns. One call after another per connection:
 *
 * <pre>
 *   request: UTF full method name, long timeout in ns (-1: none), int header count, (UTF key, UTF value)...,
 *            int length, the serialized request
 *   reply:   int gRPC status code, UTF description, int length (-1 unless OK), the serialized response
 * </pre>
 *
 * Only ASCII headers travel (containerd's namespace and lease). The version is in the socket's name, so
 * a JVM of another podgate version finds no socket it cannot speak to and talks to containerd itself.
 */
public final class UnaryRelay {
  /** The relay's socket in a reused runtime's directory. */
  public static final String SOCKET = "unary-relay-1.sock";
  /** Longest status description sent back (a UTF string holds at most 65535 bytes). */
  static final int MAX_DESCRIPTION = 16_000;
  /** Largest request or response relayed, as for podgate's own channels. */
  static final int MAX_MESSAGE = 64 * 1024 * 1024;

  private UnaryRelay() {}

  /** One call as it travels to the keeper. */
  public record Request(String method, long timeoutNanos, List<String[]> headers, byte[] body) {}

  /** What the keeper answers: a gRPC status code, its description, and the response when OK. */
  public record Reply(int code, String description, byte[] body) {}

  public static void write(DataOutputStream out, Request r) throws IOException {
    out.writeUTF(r.method());
    out.writeLong(r.timeoutNanos());
    out.writeInt(r.headers().size());
    for (String[] h : r.headers()) {
      out.writeUTF(h[0]);
      out.writeUTF(h[1]);
    }
    out.writeInt(r.body().length);
    out.write(r.body());
    out.flush();
  }

  public static Request readRequest(DataInputStream in) throws IOException {
    String method = in.readUTF();
    long timeout = in.readLong();
    int n = in.readInt();
    List<String[]> headers = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      headers.add(new String[] {in.readUTF(), in.readUTF()});
    }
    return new Request(method, timeout, headers, readBody(in));
  }

  public static void write(DataOutputStream out, Reply r) throws IOException {
    out.writeInt(r.code());
    String d = r.description() == null ? "" : r.description();
    out.writeUTF(d.length() > MAX_DESCRIPTION ? d.substring(0, MAX_DESCRIPTION) + "..." : d);
    if (r.body() == null) {
      out.writeInt(-1);
    } else {
      out.writeInt(r.body().length);
      out.write(r.body());
    }
    out.flush();
  }

  public static Reply readReply(DataInputStream in) throws IOException {
    int code = in.readInt();
    String description = in.readUTF();
    return new Reply(code, description, readBody(in));
  }

  private static byte[] readBody(DataInputStream in) throws IOException {
    int len = in.readInt();
    if (len < 0) {
      return null;
    }
    if (len > MAX_MESSAGE) {
      throw new IOException("a relayed message of " + len + " bytes is over the " + MAX_MESSAGE + " podgate allows");
    }
    byte[] b = new byte[len];
    in.readFully(b);
    return b;
  }
}
