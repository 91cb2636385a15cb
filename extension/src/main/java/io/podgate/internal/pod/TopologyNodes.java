package io.podgate.internal.pod;

import io.podgate.NodeInfo;
import io.podgate.PodgateException;
import io.podgate.internal.backend.NodeGroup;
import io.podgate.internal.backend.NodesSpec;
import io.podgate.internal.backend.PodHandle;
import io.podgate.internal.backend.PodPlan;
import io.podgate.internal.image.OciArchiveImporter;
import io.podgate.internal.image.StandardImages;
import io.podgate.internal.topology.Node;
import io.podgate.internal.topology.Topology;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * The nodes of one {@link NodesSpec} as a running {@link Topology}, with one provisioner (and image
 * set) per node. Closing it removes the nodes.
 */
public final class TopologyNodes implements NodeGroup {
  private final NodesSpec spec;
  private final Topology topology;
  private final ExecutorService executor;
  private final Map<String, PodProvisioner> provisioners = new LinkedHashMap<>();

  private TopologyNodes(NodesSpec spec, Topology topology, ExecutorService executor) {
    this.spec = spec;
    this.topology = topology;
    this.executor = executor;
  }

  /** Builds and starts the nodes of {@code spec} and imports the sandbox image into each. */
  static TopologyNodes start(NodesSpec spec, PodgateSession session) {
    Topology topology = topology(spec).build().start();
    ExecutorService executor = DaemonPools.cached("podgate-nodes-" + spec.owner());
    TopologyNodes nodes = new TopologyNodes(spec, topology, executor);
    try {
      HostPorts hostPorts = new HostPorts();
      StandardImages images = session.images();
      for (Node n : topology.nodes()) {
        new OciArchiveImporter(n.cri().channel(), n.cri().endpoint())
            .importArchive(images.pause().archive(), StandardImages.PAUSE_REFERENCE);
        nodes.provisioners.put(n.name(), new PodProvisioner(n.cri(), new SessionImages(n.cri(), images), hostPorts,
            session.ownerLabels(), session.dir().resolve("nodes").resolve(spec.owner() + "-" + n.name()), executor,
            "pod subnet " + n.podSubnet() + " of node " + n.name() + " (" + spec.origin() + ")", info(n)));
      }
      return nodes;
    } catch (RuntimeException e) {
      try {
        nodes.close();
      } catch (RuntimeException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  /**
   * The topology {@code spec} declares (state under {@code <podgate.workdir>/topologies}), checked but not
   * started; a bad value throws a PodSpecException naming {@code spec}'s origin.
   */
  public static Topology.Builder topology(NodesSpec spec) {
    String origin = spec.origin();
    Topology.Builder b = Topology.builder()
        .stateDir(Path.of(System.getProperty(PodgateSession.WORKDIR_PROPERTY,
            Path.of(System.getProperty("java.io.tmpdir"), "podgate").toString())).resolve("topologies"))
        .sandboxImage(StandardImages.PAUSE_REFERENCE);
    if (!spec.switchBridge().isEmpty()) {
      b.switchBridge(spec.switchBridge());
    }
    if (!spec.switchSubnet().isEmpty()) {
      b.switchSubnet(spec.switchSubnet());
    }
    if (!spec.netnsPrefix().isEmpty()) {
      b.netnsPrefix(spec.netnsPrefix());
    }
    if (!spec.linkPrefix().isEmpty()) {
      b.linkPrefix(spec.linkPrefix());
    }
    for (NodesSpec.Node n : spec.nodes()) {
      try {
        if (!n.endpoint().isEmpty()) {
          if (n.address().isEmpty()) {
            throw new PodSpecException(origin, "@PodgateNode(name = \"" + n.name() + "\") has an endpoint but no address; "
                + "give the remote node's IP as address");
          }
          b.remoteNode(n.name(), n.podSubnet(), n.address(), n.endpoint());
        } else {
          b.node(n.name(), n.podSubnet(), n.address().isEmpty() ? null : n.address());
        }
      } catch (PodSpecException e) {
        throw e;
      } catch (PodgateException e) {
        throw new PodSpecException(origin, e.getMessage(), e);
      }
    }
    try {
      b.build();
    } catch (PodgateException e) {
      throw new PodSpecException(origin, e.getMessage(), e);
    }
    return b;
  }

  private static NodeInfo info(Node n) {
    return new NodeInfo(n.name(), n.address(), n.podSubnet().toString());
  }

  @Override
  public List<NodeInfo> nodes() {
    return topology.nodes().stream().map(TopologyNodes::info).toList();
  }

  @Override
  public Map<String, String> describe() {
    Map<String, String> out = new LinkedHashMap<>();
    topology.nodes().forEach(n -> out.put(n.name(), n.address() + " pods " + n.podSubnet()
        + (n.remote() ? " remote " + n.socket() : " netns " + n.netns().orElse(""))));
    return out;
  }

  @Override
  public PodHandle create(String node, String origin, PodPlan plan, Map<String, String> labels) {
    PodProvisioner p = provisioners.get(node);
    if (p == null) {
      throw new PodSpecException(origin, "node = \"" + node + "\" is not a node of " + spec.origin()
          + "; declared nodes: " + new ArrayList<>(provisioners.keySet()));
    }
    return CriPodBackend.provision(p, plan, labels);
  }

  @Override
  public void close() {
    try {
      topology.close();
    } finally {
      executor.shutdownNow();
    }
  }
}
