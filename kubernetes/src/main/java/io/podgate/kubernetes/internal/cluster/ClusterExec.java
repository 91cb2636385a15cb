package io.podgate.kubernetes.internal.cluster;

import io.podgate.PodgateException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/** Small host helpers of the local cluster: free ports and short commands. */
final class ClusterExec {
  private ClusterExec() {}

  /** Ports this JVM handed out: the daemons of one cluster start never get the same one. */
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

  /**
   * A port nothing listens on, from below the kernel's ephemeral range: a port from inside that range
   * can be taken by any outgoing connection before the daemon binds it (kube-apiserver failed with
   * "address already in use" in CI that way).
   */
  static int freePort() {
    int top = ephemeralLow() - 1;
    int bottom = Math.max(10_000, top - 12_000);
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int attempt = 0; top - bottom > 100 && attempt < 200; attempt++) {
      int port = bottom + random.nextInt(top - bottom + 1);
      if (!HANDED_OUT.contains(port) && bindable(port)) {
        if (HANDED_OUT.size() > 1_000) {
          HANDED_OUT.clear();
        }
        HANDED_OUT.add(port);
        return port;
      }
    }
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new PodgateException("cannot find a free port on 127.0.0.1: " + e.getMessage(), e);
    }
  }

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static int ephemeralLow() {
    try {
      try (var in = Files.newInputStream(EPHEMERAL_RANGE)) { // procfs: a size of 0, so read as a stream
        return Integer.parseInt(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim().split("\\s+")[0]);
      }
    } catch (IOException | RuntimeException e) {
      return 32_768; // Linux's default
    }
  }

  static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  static String exec(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      return out;
    } catch (IOException e) {
      throw new PodgateException("cannot run " + cmd + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PodgateException("interrupted running " + cmd, e);
    }
  }

  /** Null when {@code cmd} succeeded, else its output. */
  static String execChecked(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return p.waitFor() == 0 ? null : String.join(" ", cmd) + ": " + out.strip();
    } catch (IOException e) {
      return String.join(" ", cmd) + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
