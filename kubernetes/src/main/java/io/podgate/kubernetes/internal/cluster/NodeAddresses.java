package io.podgate.kubernetes.internal.cluster;

import static io.podgate.kubernetes.internal.cluster.ClusterExec.concat;

import io.podgate.PodgateException;
import io.podgate.internal.host.HostRestoreManifest;
import java.util.List;

/** Node addresses of the local cluster: put on a recorded port-less bridge when no interface has them. */
final class NodeAddresses {
  private NodeAddresses() {}

  /** Adds the node IP on a port-less bridge when no interface has it (this kernel has no dummy links). */
  static void ensure(LocalClusterOptions options, HostRestoreManifest manifest, LocalClusterOptions.Node node) {
    List<String> ns = node.netns().map(n -> List.of("ip", "-n", n)).orElse(List.of("ip"));
    String addrs = ClusterExec.exec(concat(ns, List.of("-o", "-4", "addr", "show")));
    if (addrs.contains(" " + node.ip() + "/")) {
      return;
    }
    String link = "pgk" + "%08x".formatted((options.workDir() + "/" + node.name()).hashCode());
    if (node.netns().isPresent()) {
      throw new PodgateException(options + ": node " + node.name() + " has no interface with " + node.ip()
          + " in network namespace " + node.netns().get() + "; give the node's address in that namespace");
    }
    manifest.add("link", link);
    for (List<String> c : List.of(List.of("link", "add", link, "type", "bridge"),
        List.of("addr", "add", node.ip() + "/32", "dev", link), List.of("link", "set", link, "up"))) {
      String out = ClusterExec.execChecked(concat(ns, c));
      if (out != null) {
        throw new PodgateException(options + ": cannot add node address " + node.ip() + " on link " + link + ": " + out);
      }
    }
  }
}
