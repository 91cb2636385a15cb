package io.podgate.internal.backend;

import io.podgate.Pod;
import io.podgate.internal.pod.PodSpec;
import io.podgate.internal.pod.PodTimings;
import java.util.List;

/**
 * A pod a backend created: its address, published ports, node and containers (as {@link Pod}),
 * plus what podgate reports about it. {@link #close()} removes the pod with its containers.
 */
public interface PodHandle extends Pod, AutoCloseable {

  /** Where the pod was declared, for messages. */
  String origin();

  /** The host port published for {@code containerPort}/{@code protocol}; throws a PodgateException naming what is published. */
  int hostPort(int containerPort, PodSpec.Protocol protocol);

  /** The pod's containers as handles, in creation order. */
  List<? extends ContainerHandle> containerHandles();

  /** How long creating the pod took, by step; null if it is not known. */
  PodTimings timings();

  /** Whether the pod runs privileged (some container asked for it). */
  boolean privileged();

  /** Host namespaces (network, pid, ipc) the pod shares because its config asked; empty normally. */
  List<String> hostNamespaces();

  /**
   * Says {@link #close()} follows on another thread: a new pod asking for one of this pod's fixed host
   * ports then waits for the removal instead of being refused. Does nothing by default.
   */
  default void closing() {}

  /**
   * Gives the removal to a process that outlives this JVM (the keeper of a reused runtime) instead of
   * {@link #close()}: true when it took it, and this handle is closed then. False by default, and when
   * the pod must be removed here (e.g. it holds a fixed host port).
   */
  default boolean handOff() {
    return false;
  }

  /** Stops and removes the pod and its containers; throws a PodgateException naming the pod if that fails. */
  @Override
  void close();
}
