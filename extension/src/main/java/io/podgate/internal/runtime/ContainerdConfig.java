package io.podgate.internal.runtime;

import io.podgate.PodgateException;
import io.podgate.internal.host.FileTrees;
import io.podgate.internal.host.Ipv4Subnet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What an embedded containerd reads from its base directory: config.toml (private root, state and
 * sockets, the CRI plugin's settings), the CNI conflist (bridge, pod subnet; portmap only when podgate does not
 * publish host ports itself, see ContainerdOptions.podgateHostPorts) and registry
 * hosts under certs.d.
 */
final class ContainerdConfig {
  private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9.-]+(:[0-9]{1,5})?");
  private static final int MAX_SOCKET_PATH = 107;

  private ContainerdConfig() {}

  /** Creates the daemon's base directory (0700), empty; refuses one whose socket paths would be too long. */
  static Path createBaseDir(ContainerdOptions options) {
    Path dir;
    try {
      if (options.baseDir().isPresent()) {
        dir = options.baseDir().get().toAbsolutePath();
        if (Files.exists(dir)) {
          try (Stream<Path> s = Files.list(dir)) {
            if (s.findAny().isPresent()) {
              throw new PodgateException("base directory " + dir + " of containerd '" + options.name()
                  + "' is not empty; podgate deletes it on close, so give it an empty or absent directory");
            }
          }
        } else {
          Files.createDirectories(dir);
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      } else {
        dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")),
            "podgate-" + options.name() + "-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
    } catch (IOException e) {
      throw new PodgateException("could not create the base directory of containerd '" + options.name() + "': "
          + e.getMessage(), e);
    }
    String longest = dir.resolve("containerd.sock.ttrpc").toString();
    if (longest.length() > MAX_SOCKET_PATH) {
      FileTrees.delete(dir);
      throw new PodgateException("base directory " + dir + " of containerd '" + options.name()
          + "' is too deep: socket path " + longest + " exceeds " + MAX_SOCKET_PATH
          + " bytes (unix socket limit); choose a shorter baseDir");
    }
    return dir;
  }

  static String configToml(ContainerdOptions options, Path baseDir, Path cniBin) {
    String cri = "plugins.\"io.containerd.grpc.v1.cri\"";
    return String.join("\n",
        "version = 2",
        "root = " + q(baseDir.resolve("root")),
        "state = " + q(baseDir.resolve("state")),
        "disabled_plugins = [\"io.containerd.internal.v1.opt\", \"io.containerd.snapshotter.v1.aufs\","
            + " \"io.containerd.snapshotter.v1.btrfs\", \"io.containerd.snapshotter.v1.devmapper\","
            + " \"io.containerd.snapshotter.v1.zfs\", \"io.containerd.tracing.processor.v1.otlp\"]",
        "",
        "[grpc]",
        "  address = " + q(baseDir.resolve("containerd.sock")),
        "[ttrpc]",
        "  address = " + q(baseDir.resolve("containerd.sock.ttrpc")),
        "[debug]",
        "  address = " + q(baseDir.resolve("debug.sock")),
        "  level = \"info\"",
        "[metrics]",
        "  address = \"\"",
        "",
        "[" + cri + "]",
        "  sandbox_image = " + q(options.sandboxImage()),
        "  restrict_oom_score_adj = true",
        "  stream_server_address = \"127.0.0.1\"",
        "  stream_server_port = \"0\"",
        "[" + cri + ".containerd]",
        "  snapshotter = \"overlayfs\"",
        "  default_runtime_name = \"runc\"",
        "[" + cri + ".containerd.runtimes.runc]",
        "  runtime_type = \"io.containerd.runc.v2\"",
        "[" + cri + ".containerd.runtimes.runc.options]",
        "  SystemdCgroup = false",
        "[" + cri + ".cni]",
        "  bin_dir = " + q(cniBin),
        "  conf_dir = " + q(baseDir.resolve("cni/net.d")),
        "  max_conf_num = 1",
        "[" + cri + ".registry]",
        "  config_path = " + q(baseDir.resolve("certs.d")),
        "");
  }

  static String conflist(ContainerdOptions options, Path baseDir) {
    Ipv4Subnet subnet = options.podSubnet();
    return "{\n"
        + "  \"cniVersion\": \"0.4.0\",\n"
        + "  \"name\": \"podgate-" + options.name() + "\",\n"
        + "  \"plugins\": [\n"
        + "    {\n"
        + "      \"type\": \"bridge\",\n"
        + "      \"bridge\": \"" + options.bridgeName() + "\",\n"
        + "      \"isGateway\": true,\n"
        + "      \"ipMasq\": false,\n"
        + "      \"hairpinMode\": true,\n"
        + "      \"ipam\": {\n"
        + "        \"type\": \"host-local\",\n"
        + "        \"ranges\": [[{\"subnet\": \"" + subnet + "\", \"gateway\": \"" + subnet.gateway() + "\"}]],\n"
        + "        \"routes\": [{\"dst\": \"0.0.0.0/0\"}],\n"
        + "        \"dataDir\": " + jq(baseDir.resolve("cni/ipam")) + "\n"
        + "      }\n"
        + "    }" + (options.podgateHostPorts() ? "\n"
            : ",\n    {\"type\": \"portmap\", \"capabilities\": {\"portMappings\": true}}\n")
        + "  ]\n"
        + "}\n";
  }

  /** Writes podgate's own config.toml and CNI conflist (and the directories they name) under {@code baseDir}. */
  static void write(ContainerdOptions options, Path baseDir, Path cniBin) throws IOException {
    Files.createDirectories(baseDir.resolve("cni/net.d"));
    Files.createDirectories(baseDir.resolve("cni/ipam"));
    Files.createDirectories(baseDir.resolve("certs.d"));
    Files.writeString(baseDir.resolve("config.toml"), configToml(options, baseDir, cniBin));
    Files.writeString(baseDir.resolve("cni/net.d/10-podgate-" + options.name() + ".conflist"),
        conflist(options, baseDir));
  }

  private static String q(Object value) {
    return "\"" + value.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String jq(Object value) {
    return q(value);
  }

  /** Writes certs.d/{@code hostPort}/hosts.toml under {@code baseDir} so the daemon pulls from it over plain HTTP. */
  static void addInsecureRegistry(Path baseDir, String hostPort) {
    if (hostPort == null || !HOST_PORT.matcher(hostPort).matches()) {
      throw new PodgateException("insecure registry '" + hostPort + "' must be host or host:port, e.g. 127.0.0.1:5000");
    }
    Path dir = baseDir.resolve("certs.d").resolve(hostPort);
    String url = "http://" + hostPort;
    String toml = "server = \"" + url + "\"\n\n[host.\"" + url + "\"]\n  capabilities = [\"pull\", \"resolve\"]\n"
        + "  skip_verify = true\n";
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("hosts.toml"), toml);
    } catch (IOException e) {
      throw new PodgateException("could not write " + dir.resolve("hosts.toml") + " for insecure registry " + hostPort
          + ": " + e.getMessage(), e);
    }
  }
}
