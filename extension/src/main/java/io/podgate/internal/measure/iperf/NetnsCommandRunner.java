package io.podgate.internal.measure.iperf;

import java.util.List;
import java.util.Objects;

/**
 * Runs commands inside a named network namespace with {@code ip netns exec}, which execs the
 * command in place, so the PID of a started process is the command's own PID.
 */
public final class NetnsCommandRunner extends HostCommandRunner {
  private final String namespace;

  public NetnsCommandRunner(String namespace) {
    this.namespace = Objects.requireNonNull(namespace, "namespace");
  }

  public String namespace() {
    return namespace;
  }

  @Override
  protected List<String> prefix() {
    return List.of("ip", "netns", "exec", namespace);
  }

  @Override
  public String description() {
    return "netns " + namespace;
  }
}
