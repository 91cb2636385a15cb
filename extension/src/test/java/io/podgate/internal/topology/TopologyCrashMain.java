package io.podgate.internal.topology;

/** Starts a one-node topology, prints its directory, then waits to be killed (for TopologyCrashTest). */
public final class TopologyCrashMain {
  public static void main(String[] args) throws Exception {
    Topology t = Topology.builder().node("k4", "10.214.0.0/16").switchBridge("pgnswk").switchSubnet("198.18.5.0/24")
        .stateDir(java.nio.file.Path.of(args[0])).sandboxImage(args[1]).build().start();
    System.out.println("READY " + t.dir().orElseThrow() + " " + t.node("k4").daemon().orElseThrow().pid() + " "
        + t.watcherPid());
    System.out.flush();
    Thread.sleep(120_000);
  }
}
