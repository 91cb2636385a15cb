package io.podgate.internal.measure.iperf;

import io.podgate.measure.Measurement;
import io.podgate.measure.ThroughputOptions;
import io.podgate.measure.ThroughputResult;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A named pair of iperf3 endpoints: where the server runs and on which address, where the client
 * runs. Baselines are paths too; every result carries the path's label, so it says what it measured.
 */
public final class ThroughputPath {
  /** MSS of TCP over a 1500-byte MTU with timestamps: makes loopback comparable to a pod's veth. */
  public static final int POD_MSS = 1448;

  private final String name;
  private final CommandRunner serverRunner;
  private final String serverAddress;
  private final CommandRunner clientRunner;
  private final OptionalInt defaultMss;
  private final boolean clientOnHost;
  private final String via;

  private ThroughputPath(String name, CommandRunner serverRunner, String serverAddress, CommandRunner clientRunner,
      OptionalInt defaultMss) {
    this(name, serverRunner, serverAddress, clientRunner, defaultMss, false, viaOf(clientRunner));
  }

  private ThroughputPath(String name, CommandRunner serverRunner, String serverAddress, CommandRunner clientRunner,
      OptionalInt defaultMss, boolean clientOnHost, String via) {
    this.name = Objects.requireNonNull(name, "name");
    this.serverRunner = Objects.requireNonNull(serverRunner, "serverRunner");
    this.serverAddress = Objects.requireNonNull(serverAddress, "serverAddress");
    this.clientRunner = Objects.requireNonNull(clientRunner, "clientRunner");
    this.defaultMss = defaultMss;
    this.clientOnHost = clientOnHost;
    this.via = Objects.requireNonNull(via, "via");
  }

  private static String viaOf(CommandRunner client) {
    return "host".equals(client.description()) ? ThroughputResult.DIRECT : "exec in " + client.description();
  }

  /**
   * Host loopback with {@code -M 1448} unless the options set an MSS. Loopback's 64 KiB MTU alone
   * makes it much faster than any 1500-MTU pod path (14.2 vs 9.6 Gbit/s here), which would hide
   * the overhead being gated on.
   */
  public static ThroughputPath loopback() {
    HostCommandRunner host = new HostCommandRunner();
    return new ThroughputPath("loopback", host, "127.0.0.1", host, OptionalInt.of(POD_MSS));
  }

  /** Host loopback at its own MTU; not comparable to a pod path, useful to show the MTU effect. */
  public static ThroughputPath loopbackUnclamped() {
    HostCommandRunner host = new HostCommandRunner();
    return new ThroughputPath("loopback", host, "127.0.0.1", host, OptionalInt.empty());
  }

  /** Any pair the caller names, e.g. {@code between("host->pod", podRunner, podIp, host)}. */
  public static ThroughputPath between(String name, CommandRunner serverRunner, String serverAddress,
      CommandRunner clientRunner) {
    return new ThroughputPath(name, serverRunner, serverAddress, clientRunner, OptionalInt.empty());
  }

  /**
   * Client on the test JVM's host, server in a pod on {@code podIp}: the one kind of path a backend may send
   * through a client pod instead ({@link #throughClient}) when the JVM cannot reach pod IPs.
   */
  public static ThroughputPath hostToPod(String name, CommandRunner serverRunner, String podIp) {
    return new ThroughputPath(name, serverRunner, podIp, new HostCommandRunner(), OptionalInt.empty(), true,
        ThroughputResult.DIRECT);
  }

  /** The same endpoints, clamped to {@code mss} unless the options say otherwise. */
  public ThroughputPath withDefaultMss(int mss) {
    return new ThroughputPath(name, serverRunner, serverAddress, clientRunner, OptionalInt.of(mss), clientOnHost, via);
  }

  /** The same endpoints under another name. */
  public ThroughputPath renamed(String newName) {
    return new ThroughputPath(newName, serverRunner, serverAddress, clientRunner, defaultMss, clientOnHost, via);
  }

  /** Whether the client runs on the test JVM's host and the server in a pod (see {@link #hostToPod}). */
  public boolean clientOnHostToPod() {
    return clientOnHost;
  }

  /** The same path with its client run by {@code client} instead, results saying {@code via}. */
  public ThroughputPath throughClient(CommandRunner client, String via) {
    return new ThroughputPath(name, serverRunner, serverAddress, client, defaultMss, false, via);
  }

  /** Where the client runs, as results name it (see {@link ThroughputResult#via}). */
  public String via() {
    return via;
  }

  public String name() {
    return name;
  }

  public String serverAddress() {
    return serverAddress;
  }

  /** The options actually used: the path's default MSS applies when the options have none. */
  public ThroughputOptions effectiveOptions(ThroughputOptions options) {
    if (options.mss().isEmpty() && defaultMss.isPresent()) {
      return options.toBuilder().mss(defaultMss.getAsInt()).build();
    }
    return options;
  }

  /** Label of a run with these options, e.g. "loopback -M 1448" or "host->pod". */
  public String label(ThroughputOptions options) {
    ThroughputOptions effective = effectiveOptions(options);
    StringBuilder s = new StringBuilder(name);
    effective.mss().ifPresent(m -> s.append(" -M ").append(m));
    if (effective.reverse()) {
      s.append(" -R");
    }
    if (effective.parallelStreams() > 1) {
      s.append(" -P ").append(effective.parallelStreams());
    }
    return s.toString();
  }

  public ThroughputResult measure(ThroughputOptions options) {
    ThroughputOptions effective = effectiveOptions(options);
    return new Iperf3(serverRunner, clientRunner).measure(serverAddress, effective, label(options)).withVia(via);
  }

  /** One measurement per call: the receiver's bits/s of a fresh run, described by this path's label. */
  public Measurement receiverBitsPerSecond(ThroughputOptions options) {
    return Measurement.of(label(options) + " receiver bit/s", () -> measure(options),
        ThroughputResult::receiverBitsPerSecond);
  }

  @Override
  public String toString() {
    return name + " (server " + serverAddress + " on " + serverRunner.description() + ", client on "
        + clientRunner.description() + ")";
  }
}
