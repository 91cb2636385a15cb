package io.podgate.measure;

import io.podgate.Container;
import io.podgate.CriContainer;
import io.podgate.Pod;
import io.podgate.internal.backend.ContainerHandle;
import io.podgate.internal.measure.iperf.CommandRunner;
import io.podgate.internal.measure.iperf.ContainerCommandRunner;
import io.podgate.internal.measure.iperf.ThroughputPath;
import java.util.Objects;

/**
 * A pair of iperf3 endpoints: where the server listens, where the client sends from. Measure it
 * with {@code measure.throughput(path)}; every result is labelled with the path's name, so it says
 * what it measured. Containers need {@code iperf3} (and {@code /bin/sh} for the server), e.g. the
 * {@code podgate:debug} image.
 */
public final class Throughput {
  private final ThroughputPath path;

  private Throughput(ThroughputPath path) {
    this.path = path;
  }

  /**
   * Host loopback clamped to MSS 1448 (TCP over a 1500-byte MTU, like a pod's eth0) unless the run
   * sets an MSS; labelled "loopback -M 1448". Loopback's own 64 KiB MTU would make it far faster
   * than any pod path and hide the overhead a gate is about.
   */
  public static Throughput loopback() {
    return new Throughput(ThroughputPath.loopback());
  }

  /** Host loopback at its own 64 KiB MTU; not comparable with a pod path, shows the MTU effect. */
  public static Throughput loopbackUnclamped() {
    return new Throughput(ThroughputPath.loopbackUnclamped());
  }

  /**
   * Client on the host, server in {@code server} listening on its pod's IP: "host->&lt;pod&gt;". When the test JVM
   * cannot reach pod IPs (a remote cluster), or {@code podgate.measure.via=client-pod}, the client runs in a
   * hostNetwork client pod on the server pod's node instead (the node's own network, as k8s-netperf's baseline);
   * every result names the path in {@link ThroughputResult#via}.
   */
  public static Throughput hostTo(Container server) {
    ContainerHandle s = podgateContainer(server, "server");
    return new Throughput(ThroughputPath.hostToPod("host->" + s.pod().name(), runner(s), s.pod().ip()));
  }

  /**
   * Client exec'd in {@code client}, server in {@code server} on its pod's IP, e.g. pod to pod:
   * "&lt;client pod&gt;->&lt;server pod&gt;".
   */
  public static Throughput between(Container client, Container server) {
    ContainerHandle c = podgateContainer(client, "client");
    ContainerHandle s = podgateContainer(server, "server");
    return new Throughput(ThroughputPath.between(c.pod().name() + "->" + s.pod().name(), runner(s), s.pod().ip(),
        runner(c)));
  }

  /** The same endpoints under another name (the label of every result). */
  public Throughput named(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a throughput path needs a non-blank name");
    }
    return new Throughput(path.renamed(name));
  }

  /** The same endpoints, clamped to {@code mss} unless a run sets its own MSS. */
  public Throughput withMss(int mss) {
    return new Throughput(path.withDefaultMss(mss));
  }

  public String name() {
    return path.name();
  }

  /** The label of a run with {@code options}, e.g. "loopback -M 1448". */
  public String label(ThroughputOptions options) {
    return path.label(options);
  }

  ThroughputPath path() {
    return path;
  }

  private static ContainerHandle podgateContainer(Container c, String role) {
    Objects.requireNonNull(c, role);
    if (!(c instanceof ContainerHandle rc) || rc.pod() == null) {
      throw new IllegalArgumentException("the " + role + " container must be one podgate created (injected with"
          + " @CriContainer or taken from an injected Pod), not " + c.getClass().getName());
    }
    return rc;
  }

  private static CommandRunner runner(ContainerHandle c) {
    return new ContainerCommandRunner(c, "container " + c.name() + " in pod " + c.pod().name());
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
