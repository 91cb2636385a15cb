package io.podgate.internal.measure.churn;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The OCI runtime spec containerd 1.6's default Unix spec (oci.WithDefaultSpec) gives a container, as
 * JSON: root "rootfs", the default mounts, capabilities and masked paths, fresh pid, ipc, uts, mount
 * and network namespaces, cgroups path {@code /<namespace>/<id>}; plus the process args, env and cwd.
 */
final class OciSpec {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> CAPS = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
      "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
      "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");

  private OciSpec() {}

  /** {@code envJson} is a JSON array of "K=V" strings. */
  static String defaultUnix(String namespace, String id, List<String> args, String envJson, String cwd) {
    ObjectNode s = JSON.createObjectNode();
    s.put("ociVersion", "1.0.2-dev");
    ObjectNode process = s.putObject("process");
    ObjectNode user = process.putObject("user");
    user.put("uid", 0);
    user.put("gid", 0);
    args.forEach(process.putArray("args")::add);
    try {
      process.set("env", JSON.readTree(envJson));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    process.put("cwd", cwd);
    ObjectNode caps = process.putObject("capabilities");
    for (String set : List.of("bounding", "effective", "permitted")) {
      CAPS.forEach(caps.putArray(set)::add);
    }
    ObjectNode nofile = process.putArray("rlimits").addObject();
    nofile.put("type", "RLIMIT_NOFILE");
    nofile.put("hard", 1024);
    nofile.put("soft", 1024);
    process.put("noNewPrivileges", true);
    s.putObject("root").put("path", "rootfs");
    ArrayNode mounts = s.putArray("mounts");
    mount(mounts, "/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev"));
    mount(mounts, "/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k"));
    mount(mounts, "/dev/pts", "devpts", "devpts",
        List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"));
    mount(mounts, "/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"));
    mount(mounts, "/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev"));
    mount(mounts, "/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro"));
    mount(mounts, "/run", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k"));
    ObjectNode linux = s.putObject("linux");
    List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
        "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi").forEach(linux.putArray("maskedPaths")::add);
    List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger")
        .forEach(linux.putArray("readonlyPaths")::add);
    ObjectNode deny = linux.putObject("resources").putArray("devices").addObject();
    deny.put("allow", false);
    deny.put("access", "rwm");
    linux.put("cgroupsPath", "/" + namespace + "/" + id);
    ArrayNode ns = linux.putArray("namespaces");
    for (String type : List.of("pid", "ipc", "uts", "mount", "network")) {
      ns.addObject().put("type", type);
    }
    return s.toString();
  }

  private static void mount(ArrayNode mounts, String destination, String type, String source, List<String> options) {
    ObjectNode m = mounts.addObject();
    m.put("destination", destination);
    m.put("type", type);
    m.put("source", source);
    options.forEach(m.putArray("options")::add);
  }
}
