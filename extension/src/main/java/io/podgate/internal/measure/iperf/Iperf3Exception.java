package io.podgate.internal.measure.iperf;

import io.podgate.PodgateException;

/** An iperf3 run that produced no throughput figures; {@link #kind()} says why. */
public class Iperf3Exception extends PodgateException {
  public enum Kind {
    /** iperf3 is not installed where the command runs. */
    MISSING_BINARY,
    /** The server already runs a test (another client, or a port shared with someone else). */
    SERVER_BUSY,
    /** The server never accepted a connection (not listening, wrong address, filtered). */
    SERVER_UNREACHABLE,
    /** The server process exited before the test (e.g. address in use, cannot bind). */
    SERVER_FAILED,
    /** iperf3 reported an error in its JSON ({@code "error": ...}). */
    IPERF_ERROR,
    /** The client did not finish in time. */
    TIMEOUT,
    /** The output was not the JSON iperf3 writes. */
    BAD_OUTPUT
  }

  private final Kind kind;

  public Iperf3Exception(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Iperf3Exception(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
