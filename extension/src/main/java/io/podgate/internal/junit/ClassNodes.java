package io.podgate.internal.junit;

import io.podgate.NodeInfo;
import io.podgate.PodSandbox;
import io.podgate.PodgateException;
import io.podgate.PodgateNode;
import io.podgate.PodgateNodes;
import io.podgate.internal.image.OciArchiveImporter;
import io.podgate.internal.image.StandardImages;
import io.podgate.internal.pod.HostPorts;
import io.podgate.internal.pod.PodProvisioner;
import io.podgate.internal.pod.PodSpecException;
import io.podgate.internal.pod.PodgateSession;
import io.podgate.internal.pod.SessionImages;
import io.podgate.internal.topology.Node;
import io.podgate.internal.topology.Topology;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The running {@link Topology} of a class with {@link PodgateNodes}, with one provisioner (and image
 * set) per node. Lives in the declaring class's store; closing it removes the nodes.
 */
@SuppressWarnings("deprecation")
final class ClassNodes implements ExtensionContext.Store.CloseableResource, AutoCloseable {
  private final Class<?> declaring;
  private final Topology topology;
  private final ExecutorService executor;
  private final Map<String, PodProvisioner> provisioners = new LinkedHashMap<>();

  private ClassNodes(Class<?> declaring, Topology topology, ExecutorService executor) {
    this.declaring = declaring;
    this.topology = topology;
    this.executor = executor;
  }

  /** The class carrying the {@link PodgateNodes} in effect for {@code type} (itself or an enclosing class), or null. */
  static Class<?> declaring(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
      if (c.isAnnotationPresent(PodgateNodes.class)) {
        return c;
      }
    }
    return null;
  }

  static List<String> declaredNames(Class<?> declaring) {
    return declaring == null ? List.of()
        : Arrays.stream(declaring.getAnnotation(PodgateNodes.class).value()).map(PodgateNode::name).toList();
  }

  /**
   * Checks every {@code @PodSandbox(node = ...)} of {@code type} (static and instance fields, method
   * parameters) against the declared nodes; creates nothing.
   */
  static void checkNodeNames(Class<?> type) {
    Class<?> declaring = declaring(type);
    List<String> names = declaredNames(declaring);
    for (Field f : Declarations.fields(type, f -> f.isAnnotationPresent(PodSandbox.class))) {
      check(Declarations.origin(PodSandbox.class, f), f.getAnnotation(PodSandbox.class), type, declaring, names);
    }
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Method m : c.getDeclaredMethods()) {
        for (Parameter p : m.getParameters()) {
          if (p.isAnnotationPresent(PodSandbox.class)) {
            check(Declarations.origin(PodSandbox.class, p), p.getAnnotation(PodSandbox.class), type, declaring, names);
          }
        }
      }
    }
  }

  static void check(String origin, PodSandbox ps, Class<?> type, Class<?> declaring, List<String> names) {
    String node = ps.node();
    if (node.isEmpty()) {
      return;
    }
    if (ps.scope() == PodSandbox.Scope.SUITE) {
      throw new PodSpecException(origin, "node = \"" + node + "\" with scope = SUITE: node pods live only as long as "
          + "the class that declares the nodes; drop one of the two");
    }
    if (declaring == null) {
      throw new PodSpecException(origin, "node = \"" + node + "\" but " + type.getSimpleName()
          + " (and its enclosing classes) declare no @PodgateNodes; add @PodgateNodes({@PodgateNode(name = \"" + node
          + "\", podSubnet = ...)}) to the class or drop node");
    }
    if (!names.contains(node)) {
      throw new PodSpecException(origin, "node = \"" + node + "\" is not a node of @PodgateNodes on "
          + declaring.getSimpleName() + "; declared nodes: " + names + ". Fix the name or declare @PodgateNode(name = \""
          + node + "\", ...)");
    }
  }

  /** Builds and starts the nodes of {@code declaring} and imports the sandbox image into each. */
  static ClassNodes start(Class<?> declaring, PodgateSession session) {
    PodgateNodes a = declaring.getAnnotation(PodgateNodes.class);
    String origin = "@PodgateNodes on " + declaring.getSimpleName();
    Topology.Builder b = Topology.builder()
        .stateDir(Path.of(System.getProperty(PodgateSession.WORKDIR_PROPERTY,
            Path.of(System.getProperty("java.io.tmpdir"), "podgate").toString())).resolve("topologies"))
        .sandboxImage(StandardImages.PAUSE_REFERENCE);
    if (!a.switchBridge().isEmpty()) {
      b.switchBridge(a.switchBridge());
    }
    if (!a.switchSubnet().isEmpty()) {
      b.switchSubnet(a.switchSubnet());
    }
    if (!a.netnsPrefix().isEmpty()) {
      b.netnsPrefix(a.netnsPrefix());
    }
    if (!a.linkPrefix().isEmpty()) {
      b.linkPrefix(a.linkPrefix());
    }
    for (PodgateNode n : a.value()) {
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
    Topology topology;
    try {
      topology = b.build();
    } catch (PodgateException e) {
      throw new PodSpecException(origin, e.getMessage(), e);
    }
    topology.start();
    AtomicInteger count = new AtomicInteger();
    ExecutorService executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "podgate-nodes-" + declaring.getSimpleName() + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    ClassNodes nodes = new ClassNodes(declaring, topology, executor);
    try {
      HostPorts hostPorts = new HostPorts();
      StandardImages images = session.images();
      for (Node n : topology.nodes()) {
        new OciArchiveImporter(n.cri().channel(), n.cri().endpoint())
            .importArchive(images.pause().archive(), StandardImages.PAUSE_REFERENCE);
        NodeInfo info = new NodeInfo(n.name(), n.address(), n.podSubnet().toString());
        nodes.provisioners.put(n.name(), new PodProvisioner(n.cri(), new SessionImages(n.cri(), images), hostPorts,
            Map.of(PodgateSession.SESSION_LABEL, session.id(),
                PodgateSession.OWNER_PID_LABEL, Long.toString(ProcessHandle.current().pid())),
            session.dir().resolve("nodes").resolve(declaring.getSimpleName() + "-" + n.name()), executor,
            "pod subnet " + n.podSubnet() + " of node " + n.name() + " (" + origin + ")", info));
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

  PodProvisioner provisioner(String node, String origin) {
    PodProvisioner p = provisioners.get(node);
    if (p == null) {
      throw new PodSpecException(origin, "node = \"" + node + "\" is not a node of @PodgateNodes on "
          + declaring.getSimpleName() + "; declared nodes: " + new ArrayList<>(provisioners.keySet()));
    }
    return p;
  }

  Topology topology() {
    return topology;
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
