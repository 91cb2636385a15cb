package io.podgate.kubernetes.internal.cluster;

import static io.podgate.kubernetes.internal.cluster.ClusterExec.freePort;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.podgate.PodgateException;
import io.podgate.internal.host.HostRestoreManifest;
import io.podgate.internal.host.Ipv4Subnet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The local cluster's control plane: per-run certificates and kubeconfigs, then etcd, kube-apiserver,
 * kube-controller-manager and kube-scheduler on free ports of 127.0.0.1 (the apiserver on
 * {@link LocalClusterOptions#apiserverAddress()}), each waited for.
 */
final class ControlPlane {
  private final LocalClusterOptions options;
  private final HostRestoreManifest manifest;
  private final ClusterProcesses processes;
  private ClusterPki pki;
  private KubernetesClient client;
  private Path adminKubeconfig;
  private String serverUrl;
  private String version;

  ControlPlane(LocalClusterOptions options, HostRestoreManifest manifest, ClusterProcesses processes) {
    this.options = options;
    this.manifest = manifest;
    this.processes = processes;
  }

  void start(ClusterBinaries bin) {
    Path work = options.workDir();
    List<LocalClusterOptions.Node> nodes = options.nodes();
    String serviceIp = Ipv4Subnet.parse(options.serviceSubnet()).gateway();
    List<String> apiserverIps = new ArrayList<>(List.of("127.0.0.1", serviceIp));
    if (!apiserverIps.contains(options.apiserverAddress())) {
      apiserverIps.add(options.apiserverAddress());
    }
    nodes.forEach(n -> apiserverIps.add(n.ip()));
    pki = ClusterPki.create(work.resolve("pki"), options.name(), apiserverIps,
        nodes.stream().map(LocalClusterOptions.Node::name).toList(), nodes.stream().map(LocalClusterOptions.Node::ip).toList());
    int etcdPort = freePort();
    int etcdPeerPort = freePort();
    int apiPort = freePort();
    serverUrl = "https://" + options.apiserverAddress() + ":" + apiPort;
    try {
      adminKubeconfig = pki.kubeconfig(work.resolve("admin.kubeconfig"), options.name(), serverUrl, "admin");
      pki.kubeconfig(work.resolve("controller-manager.kubeconfig"), options.name(), serverUrl, "controller-manager");
      pki.kubeconfig(work.resolve("scheduler.kubeconfig"), options.name(), serverUrl, "scheduler");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }

    String etcdUrl = "http://127.0.0.1:" + etcdPort;
    processes.start("etcd", List.of(bin.etcd().toString(), "--name", options.name(),
        "--data-dir", work.resolve("etcd").toString(),
        "--listen-client-urls", etcdUrl, "--advertise-client-urls", etcdUrl,
        "--listen-peer-urls", "http://127.0.0.1:" + etcdPeerPort,
        "--initial-advertise-peer-urls", "http://127.0.0.1:" + etcdPeerPort,
        "--initial-cluster", options.name() + "=http://127.0.0.1:" + etcdPeerPort,
        "--listen-metrics-urls", "http://127.0.0.1:" + freePort(), "--log-outputs", "stderr"));
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    processes.await("etcd", "etcd /health on " + etcdUrl, () -> {
      try {
        return http.send(HttpRequest.newBuilder(URI.create(etcdUrl + "/health")).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PodgateException("interrupted", e);
      }
    });

    for (LocalClusterOptions.Node n : nodes) {
      if (n.netns().isEmpty() && n.ip().equals(options.apiserverAddress())) {
        // the apiserver listens on it, so that nodes added in network namespaces reach it
        NodeAddresses.ensure(options, manifest, n);
      }
    }
    processes.start("kube-apiserver", List.of(bin.apiserver().toString(), "--etcd-servers=" + etcdUrl,
        "--bind-address=" + options.apiserverAddress(), "--secure-port=" + apiPort, "--insecure-port=0",
        "--advertise-address=" + nodes.get(0).ip(),
        "--tls-cert-file=" + pki.crt("apiserver"), "--tls-private-key-file=" + pki.key("apiserver"),
        "--client-ca-file=" + pki.crt("ca"),
        "--service-account-issuer=https://kubernetes.default.svc",
        "--service-account-signing-key-file=" + pki.file("sa.key"), "--service-account-key-file=" + pki.file("sa.pub"),
        "--service-cluster-ip-range=" + options.serviceSubnet(),
        "--authorization-mode=Node,RBAC", "--enable-admission-plugins=NodeRestriction", "--allow-privileged=true",
        "--kubelet-client-certificate=" + pki.crt("apiserver-kubelet-client"),
        "--kubelet-client-key=" + pki.key("apiserver-kubelet-client"),
        "--kubelet-certificate-authority=" + pki.crt("ca"),
        "--kubelet-preferred-address-types=InternalIP,Hostname",
        "--cert-dir=" + work.resolve("apiserver-certs"), "--profiling=false"));
    client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(null, adminKubeconfig.toFile())).build();
    processes.await("kube-apiserver", "kube-apiserver /readyz on " + serverUrl, () -> {
      try {
        return "ok".equals(client.raw(serverUrl + "/readyz"));
      } catch (RuntimeException notYet) {
        return false;
      }
    });
    version = client.getKubernetesVersion().getGitVersion();

    processes.start("kube-controller-manager", List.of(bin.controllerManager().toString(),
        "--kubeconfig=" + work.resolve("controller-manager.kubeconfig"),
        "--bind-address=127.0.0.1", "--secure-port=0", "--port=0", "--leader-elect=false",
        "--service-account-private-key-file=" + pki.file("sa.key"), "--root-ca-file=" + pki.crt("ca"),
        "--use-service-account-credentials=true", "--cluster-signing-cert-file=" + pki.crt("ca"),
        "--cluster-signing-key-file=" + pki.key("ca"),
        // else it creates /usr/libexec/kubernetes before the host lock is taken and the state recorded
        "--flex-volume-plugin-dir=" + work.resolve("controller-manager-flexvolume")));
    processes.start("kube-scheduler", List.of(bin.scheduler().toString(),
        "--kubeconfig=" + work.resolve("scheduler.kubeconfig"),
        "--bind-address=127.0.0.1", "--secure-port=0", "--port=0", "--leader-elect=false"));
  }

  ClusterPki pki() {
    return pki;
  }

  /** The admin client, or null before the apiserver was started. */
  KubernetesClient client() {
    return client;
  }

  Path adminKubeconfig() {
    return adminKubeconfig;
  }

  String serverUrl() {
    return serverUrl;
  }

  String version() {
    return version;
  }
}
