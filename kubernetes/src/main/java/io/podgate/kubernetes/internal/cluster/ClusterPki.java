package io.podgate.kubernetes.internal.cluster;

import io.podgate.PodgateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The certificates and kubeconfigs of one cluster run, made with the openssl CLI (EC P-256 keys, but
 * RSA 2048 for admin: fabric8 reads only RSA client keys without BouncyCastle; valid 2 days) under {@code <work dir>/pki}: a CA, the apiserver's serving certificate, client certificates
 * for admin (system:masters), controller-manager, scheduler, the apiserver's kubelet client and each
 * node (system:node:&lt;name&gt;), each node's kubelet serving certificate, and the service-account key.
 */
final class ClusterPki {
  private final Path dir;

  private ClusterPki(Path dir) {
    this.dir = dir;
  }

  static ClusterPki create(Path dir, String clusterName, List<String> apiserverIps, List<String> nodeNames,
      List<String> nodeIps) {
    ClusterPki pki = new ClusterPki(dir);
    try {
      Files.createDirectories(dir);
      pki.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
          "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=podgate-" + clusterName + "-ca");
      StringBuilder san = new StringBuilder("subjectAltName=DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,"
          + "DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local");
      for (String ip : apiserverIps) {
        san.append(",IP:").append(ip);
      }
      pki.cert("apiserver", "/CN=kube-apiserver", san + "\nextendedKeyUsage=serverAuth\n");
      pki.cert("admin", "/O=system:masters/CN=podgate-admin", "extendedKeyUsage=clientAuth\n", "rsa:2048");
      pki.cert("controller-manager", "/CN=system:kube-controller-manager", "extendedKeyUsage=clientAuth\n");
      pki.cert("scheduler", "/CN=system:kube-scheduler", "extendedKeyUsage=clientAuth\n");
      pki.cert("apiserver-kubelet-client", "/O=system:masters/CN=kube-apiserver-kubelet-client",
          "extendedKeyUsage=clientAuth\n");
      for (int i = 0; i < nodeNames.size(); i++) {
        pki.nodeCerts(nodeNames.get(i), nodeIps.get(i));
      }
      pki.openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "sa.key");
      pki.openssl("ec", "-in", "sa.key", "-pubout", "-out", "sa.pub");
    } catch (IOException e) {
      throw new PodgateException("cannot write the cluster's certificates under " + dir + ": " + e.getMessage(), e);
    }
    return pki;
  }

  /** A node's client certificate (system:node:&lt;name&gt;) and its kubelet's serving certificate for {@code ip}. */
  synchronized void nodeCerts(String name, String ip) throws IOException {
    cert("node-" + name, "/O=system:nodes/CN=system:node:" + name, "extendedKeyUsage=clientAuth\n");
    cert("kubelet-" + name, "/CN=" + name, "subjectAltName=DNS:" + name + ",IP:" + ip
        + ",IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  }

  Path file(String name) {
    return dir.resolve(name);
  }

  Path crt(String who) {
    return dir.resolve(who + ".crt");
  }

  Path key(String who) {
    return dir.resolve(who + ".key");
  }

  /** Writes a kubeconfig for {@code who} (a certificate name) talking to {@code server}. */
  Path kubeconfig(Path file, String clusterName, String server, String who) throws IOException {
    String yaml = "apiVersion: v1\nkind: Config\nclusters:\n- name: " + clusterName + "\n  cluster:\n"
        + "    server: " + server + "\n    certificate-authority: " + crt("ca") + "\n"
        + "users:\n- name: " + who + "\n  user:\n    client-certificate: " + crt(who) + "\n    client-key: " + key(who) + "\n"
        + "contexts:\n- name: " + clusterName + "\n  context:\n    cluster: " + clusterName + "\n    user: " + who + "\n"
        + "current-context: " + clusterName + "\n";
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    return file;
  }

  private void cert(String who, String subject, String extensions) throws IOException {
    cert(who, subject, extensions, "ec");
  }

  private void cert(String who, String subject, String extensions, String keyType) throws IOException {
    Path ext = dir.resolve(who + ".ext");
    Files.writeString(ext, extensions, StandardCharsets.UTF_8);
    if (keyType.equals("ec")) {
      openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", who + ".key",
          "-out", who + ".csr", "-subj", subject);
    } else {
      openssl("req", "-newkey", keyType, "-nodes", "-keyout", who + ".key", "-out", who + ".csr", "-subj", subject);
    }
    openssl("x509", "-req", "-in", who + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out",
        who + ".crt", "-days", "2", "-extfile", ext.getFileName().toString());
  }

  private void openssl(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add("openssl");
    cmd.addAll(List.of(args));
    Process p;
    try {
      p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new PodgateException("cannot run openssl (install Debian's openssl; ci/install does): " + e.getMessage(), e);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (p.waitFor() != 0) {
        throw new PodgateException("'" + String.join(" ", cmd) + "' in " + dir + " failed: " + out.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new PodgateException("interrupted while making certificates", e);
    }
  }
}
