package io.podgate.kubernetes.internal.cluster;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.podgate.internal.host.HostRestoreManifest;
import io.podgate.internal.image.StandardImages;
import io.podgate.internal.runtime.EmbeddedContainerd;
import io.podgate.internal.watchdog.Watchdog;
import io.podgate.testsupport.HostState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The JVM {@link LocalClusterKilledTest} kills: a session as podgate makes one (a node containerd and
 * the session watchdog on its directory), a local cluster in that directory and a Ready pod on it.
 * Prints {@code SESSION key=value...} and then {@code READY}, and waits to be killed.
 */
public final class KilledClusterFork {
  public static void main(String[] args) throws Exception {
    Path session = Files.createTempDirectory(ClusterTestHost.workRoot(), "killed-");
    EmbeddedContainerd node = ClusterTestHost.nodeContainerd(session.resolve("containerd"));
    Process watchdog = Watchdog.spawn(new Watchdog.Args(ProcessHandle.current().pid(),
        HostRestoreManifest.startMillis(ProcessHandle.current()), node.socket(), "killed-cluster", session, node.pid(),
        HostState.bridge(), HostState.subnet().toString()));
    LocalCluster cluster = LocalCluster.start(LocalClusterOptions.builder().name("pgkilled")
        .workDir(session.resolve("k8s"))
        .node(new LocalClusterOptions.Node("pg-node-k", node.socket(), "10.171.0.2")).build());
    KubernetesClient k8s = new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(null, cluster.adminKubeconfig().toFile())).build();
    k8s.pods().inNamespace("default").resource(new PodBuilder()
        .withNewMetadata().withName("sleeper").endMetadata()
        .withNewSpec().withRestartPolicy("Never").withAutomountServiceAccountToken(false)
        .addNewContainer().withName("sleep").withImage(StandardImages.BUSYBOX_REFERENCE).withImagePullPolicy("Never")
        .withCommand("/bin/sh", "-c", StandardImages.SLEEP_FOREVER_SCRIPT).endContainer()
        .endSpec().build()).create();
    k8s.pods().inNamespace("default").withName("sleeper").waitUntilReady(60, TimeUnit.SECONDS);
    List<String> ids = new ArrayList<>();
    node.cri().listPodSandbox().forEach(s -> ids.add(s.getId()));
    node.cri().listContainers().forEach(c -> ids.add(c.getId()));
    System.out.println("SESSION dir=" + session + " daemon=" + node.pid() + " socket=" + node.socket()
        + " watchdog=" + watchdog.pid()
        + " pids=" + cluster.pids().values().stream().map(String::valueOf).collect(Collectors.joining(","))
        + " ids=" + String.join(",", ids));
    System.out.println("READY");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
