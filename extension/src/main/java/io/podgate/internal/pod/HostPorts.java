package io.podgate.internal.pod;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Settles host ports of port mappings: 0 becomes a free port, a fixed port must be bindable. Ports
 * handed to pods of this JVM stay reserved until released, so parallel pods never get the same one.
 * A fixed port held by a pod that is being removed (in the background) is waited for, at most
 * {@link #RELEASE_WAIT_MS}, instead of refused.
 */
public final class HostPorts {
  /** How long a fixed port held by a pod being removed is waited for, in milliseconds. */
  static final long RELEASE_WAIT_MS = 120_000;

  private final Set<String> reserved = new HashSet<>();
  private final Set<String> releasing = new HashSet<>();

  /** Returns the host port to use, or fails saying why {@code port} cannot be had. */
  public synchronized int reserve(String origin, String attribute, String hostIp, int port, PodSpec.Protocol protocol) {
    if (port != 0) {
      awaitRelease(key(hostIp, port, protocol));
      if (reserved.contains(key(hostIp, port, protocol))) {
        if (releasing.contains(key(hostIp, port, protocol))) {
          throw new PodSpecException(origin, attribute + ": host port " + port + " on " + hostIp
              + " is still held by a pod of this run being removed (waited up to " + RELEASE_WAIT_MS / 1000
              + " s for it); pick another port or 0 for a free one");
        }
        throw new PodSpecException(origin, attribute + ": host port " + port + " on " + hostIp
            + " is already in use by another pod of this run; pick another port or 0 for a free one");
      }
      try {
        bindAndRelease(hostIp, port, protocol);
      } catch (IOException e) {
        throw new PodSpecException(origin, attribute + ": host port " + port + "/" + protocol + " on " + hostIp
            + " is already in use or cannot be bound (" + e.getMessage() + "); pick another port or 0 for a free one");
      }
      reserved.add(key(hostIp, port, protocol));
      return port;
    }
    for (int attempt = 0; attempt < 50; attempt++) {
      int free;
      try {
        free = bindAndRelease(hostIp, 0, protocol);
      } catch (IOException e) {
        throw new PodSpecException(origin, attribute + ": no free " + protocol + " port can be bound on " + hostIp
            + " (" + e.getMessage() + "); is hostIp an address of this host?");
      }
      if (reserved.add(key(hostIp, free, protocol))) {
        return free;
      }
    }
    throw new PodSpecException(origin, attribute + ": found no free host port on " + hostIp + " after 50 tries");
  }

  public synchronized void release(String hostIp, int port, PodSpec.Protocol protocol) {
    reserved.remove(key(hostIp, port, protocol));
    releasing.remove(key(hostIp, port, protocol));
    notifyAll();
  }

  /** Says the pod holding this port is being removed: a pod asking for it waits for the release. */
  public synchronized void releasing(String hostIp, int port, PodSpec.Protocol protocol) {
    if (reserved.contains(key(hostIp, port, protocol))) {
      releasing.add(key(hostIp, port, protocol));
    }
  }

  /** Waits (bounded) while {@code key} is held by a pod being removed; the caller holds the lock. */
  private void awaitRelease(String key) {
    long deadline = System.nanoTime() + RELEASE_WAIT_MS * 1_000_000;
    boolean interrupted = false;
    while (releasing.contains(key)) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        break;
      }
      try {
        wait(left);
      } catch (InterruptedException e) {
        interrupted = true;
        break;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static int bindAndRelease(String hostIp, int port, PodSpec.Protocol protocol) throws IOException {
    InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(hostIp), port);
    if (protocol == PodSpec.Protocol.UDP) {
      try (DatagramSocket s = new DatagramSocket(null)) {
        s.bind(address);
        return s.getLocalPort();
      }
    }
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(address);
      return s.getLocalPort();
    }
  }

  private static String key(String hostIp, int port, PodSpec.Protocol protocol) {
    return hostIp + "/" + port + "/" + protocol;
  }
}
