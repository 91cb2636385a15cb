package io.podgate.measure;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * What one iperf3 run measured, read from its {@code --json} output.
 *
 * @param label the path measured, e.g. "loopback -M 1448" or "host->pod"; baselines say so here
 * @param client the client's end of the first stream
 * @param server the server's end of the first stream
 * @param senderBitsPerSecond total sent by the sending side (the server when reversed)
 * @param receiverBitsPerSecond total received by the receiving side; the figure to gate on
 * @param retransmits TCP retransmits reported by the sender over the run (0 if not reported)
 * @param streams number of parallel streams
 * @param reverse whether the server was sending
 * @param mss the MSS iperf3 reported: the one set with -M, else the socket default
 * @param pathMtu the path MTU the sender's socket saw, when iperf3 reported it
 * @param duration requested measured duration
 * @param omitSeconds seconds left out at the start
 * @param intervals per-interval series (sums over all streams), omitted intervals included and flagged
 * @param hostCpuPercent the client host's total CPU use during the run, when reported
 * @param remoteCpuPercent the server host's total CPU use during the run, when reported
 * @param via where the client ran, so a result says which path it used: {@value #DIRECT} when the test JVM's own
 *     host ran it, "exec in container &lt;c&gt; of pod &lt;p&gt;" for a client in a pod, or "client pod &lt;name&gt; on
 *     node &lt;n&gt;, hostNetwork" when the JVM cannot reach pod IPs (or {@code podgate.measure.via=client-pod})
 */
public record ThroughputResult(
    String label,
    Endpoint client,
    Endpoint server,
    double senderBitsPerSecond,
    double receiverBitsPerSecond,
    long retransmits,
    int streams,
    boolean reverse,
    OptionalInt mss,
    OptionalInt pathMtu,
    Duration duration,
    int omitSeconds,
    List<Interval> intervals,
    OptionalDouble hostCpuPercent,
    OptionalDouble remoteCpuPercent,
    String via) {
  /** The {@link #via} of a run whose client ran on the test JVM's own host. */
  public static final String DIRECT = "direct from the test JVM's host";

  public ThroughputResult {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(via, "via");
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(server, "server");
    intervals = List.copyOf(intervals);
  }

  /** One side of the connection. */
  public record Endpoint(String host, int port) {
    @Override
    public String toString() {
      return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
  }

  /** One reporting interval, summed over the streams. Times in seconds from the start. */
  public record Interval(double start, double end, double bitsPerSecond, long retransmits, boolean omitted) {}

  public double receiverGbitsPerSecond() {
    return receiverBitsPerSecond / 1e9;
  }

  public double senderGbitsPerSecond() {
    return senderBitsPerSecond / 1e9;
  }

  /** The same result under another label (e.g. once a caller knows which path it was). */
  public ThroughputResult withLabel(String newLabel) {
    return new ThroughputResult(newLabel, client, server, senderBitsPerSecond, receiverBitsPerSecond,
        retransmits, streams, reverse, mss, pathMtu, duration, omitSeconds, intervals, hostCpuPercent,
        remoteCpuPercent, via);
  }

  /** The same result naming where its client ran. */
  public ThroughputResult withVia(String newVia) {
    return new ThroughputResult(label, client, server, senderBitsPerSecond, receiverBitsPerSecond,
        retransmits, streams, reverse, mss, pathMtu, duration, omitSeconds, intervals, hostCpuPercent,
        remoteCpuPercent, newVia);
  }

  /** One line with the figures, for messages and logs. */
  public String summary() {
    return String.format(java.util.Locale.ROOT,
        "%s: %s -> %s, receiver %.3f Gbit/s, sender %.3f Gbit/s, %d retransmits, %d stream(s)%s, MSS %s, path MTU %s, %ds, via %s",
        label, client, server, receiverGbitsPerSecond(), senderGbitsPerSecond(), retransmits, streams,
        reverse ? " reversed" : "",
        mss.isPresent() ? Integer.toString(mss.getAsInt()) : "?",
        pathMtu.isPresent() ? Integer.toString(pathMtu.getAsInt()) : "?", duration.toSeconds(), via);
  }

  @Override
  public String toString() {
    return summary();
  }
}
