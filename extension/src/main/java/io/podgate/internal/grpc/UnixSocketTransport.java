package io.podgate.internal.grpc;

import io.podgate.PodgateException;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * How podgate's gRPC channels reach a unix socket. Chosen with the system property {@value #PROPERTY}
 * ({@code jdk}, the default, or {@code junixsocket}); docs/transport.md says why the JDK is the default.
 */
public enum UnixSocketTransport {
  /** The JDK's own unix-domain channels through Netty's NioDomainSocketChannel. */
  JDK("jdk"),
  /** junixsocket's selector provider under Netty's NioSocketChannel, connected before Netty registers it. */
  JUNIXSOCKET("junixsocket");

  public static final String PROPERTY = "podgate.transport";

  private final String value;

  UnixSocketTransport(String value) {
    this.value = value;
  }

  /** The property value naming this transport, e.g. {@code junixsocket}. */
  public String value() {
    return value;
  }

  /** The transport the system property {@value #PROPERTY} names; {@link #JDK} when it is unset or blank. */
  public static UnixSocketTransport fromSystemProperties() {
    return fromProperties(System::getProperty);
  }

  static UnixSocketTransport fromProperties(UnaryOperator<String> properties) {
    String raw = properties.apply(PROPERTY);
    if (raw == null || raw.isBlank()) {
      return JDK;
    }
    String wanted = raw.trim().toLowerCase(Locale.ROOT);
    for (UnixSocketTransport t : values()) {
      if (t.value.equals(wanted)) {
        return t;
      }
    }
    throw new PodgateException("system property " + PROPERTY + " = '" + raw + "' names no unix-socket transport;"
        + " use 'jdk' (the default) or 'junixsocket', or leave it unset");
  }
}
