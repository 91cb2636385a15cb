package io.podgate.internal.measure.api;

import io.podgate.internal.measure.iperf.CommandRunner;
import java.util.Optional;

/**
 * A backend capability: pods to measure from when the test JVM cannot reach pod IPs (a remote cluster). A client
 * pod runs podgate's {@code podgate:client} image (busybox, iperf3, wrk) with {@code hostNetwork: true}, so what it
 * sends starts in the node's own network, as k8s-netperf's node baseline does. Backends without it are measured
 * directly from the JVM.
 */
public interface ClientPods {

  /** The node running the session's pod with IP {@code podIp}; empty when no pod of the session has it. */
  Optional<String> nodeOf(String podIp);

  /**
   * Starts a client pod on {@code node} (where the scheduler likes when empty) and waits until it runs. A failure
   * throws a PodgateException naming the step and leaves nothing behind.
   */
  ClientPod start(Optional<String> node);

  /** A running client pod; closing it deletes it (the session's cleanup and crash reaper also do). */
  interface ClientPod extends AutoCloseable {

    /** Runs commands in the pod's one container. */
    CommandRunner runner();

    /** The path results name, e.g. "client pod podgate-ab12/measure-client-3f2a1c on node n1, hostNetwork". */
    String via();

    @Override
    void close();
  }
}
