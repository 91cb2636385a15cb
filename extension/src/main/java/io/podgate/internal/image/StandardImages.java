package io.podgate.internal.image;

import io.podgate.Pod;
import io.podgate.PodgateException;
import io.podgate.internal.measure.http.WrkLoad;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Ready-made images built from this host's binaries, cached by a fingerprint of their inputs as
 * {@code <cacheDir>/<name>-<fingerprint>.tar}. Building twice gives the same manifest digest.
 */
public final class StandardImages {
  public static final String PAUSE_REFERENCE = "podgate.local/pause:1";
  public static final String BUSYBOX_REFERENCE = "podgate.local/busybox:1";
  public static final String NGINX_REFERENCE = "podgate.local/nginx:1";
  public static final String DEBUG_REFERENCE = "podgate.local/debug:1";
  public static final String CLIENT_REFERENCE = "podgate.local/client:1";

  /** Sleeps until TERM or INT, then exits 0 at once: a pause process that stops fast. */
  public static final String SLEEP_FOREVER_SCRIPT =
      "trap \"exit 0\" TERM INT; while :; do sleep 3600 & wait $!; done";

  /** Body nginx serves at {@code /} and {@code /index.html}. */
  public static final String NGINX_INDEX_BODY = "podgate nginx ok\n";
  /** A fixed 64 KiB body nginx serves for throughput tests. */
  public static final String NGINX_PAYLOAD_PATH = "/payload-64k.bin";
  public static final int NGINX_PAYLOAD_BYTES = 64 * 1024;
  public static final int NGINX_PORT = 80;

  static final String BUSYBOX = "/usr/bin/busybox";
  static final String NGINX = "/usr/sbin/nginx";
  static final String IPERF3 = "/usr/bin/iperf3";
  static final String WRK = "/usr/bin/wrk";

  private static final java.util.regex.Pattern INDEX_DIGEST =
      java.util.regex.Pattern.compile("\"digest\"\\s*:\\s*\"(sha256:[0-9a-f]{64})\"");
  private final Path cacheDir;
  private final Path hostRoot;
  private final Map<String, BuiltImage> built = new HashMap<>();

  /** @param cacheDir where archives are kept, e.g. {@code ~/.cache/podgate/images} */
  public StandardImages(Path cacheDir) {
    this(cacheDir, Path.of("/"));
  }

  /** Reads host binaries under {@code hostRoot} instead of {@code /} (tests use this to simulate a missing one). */
  StandardImages(Path cacheDir, Path hostRoot) {
    this.cacheDir = cacheDir;
    this.hostRoot = hostRoot;
  }

  /** The default cache directory, {@code $XDG_CACHE_HOME/podgate/images} or {@code ~/.cache/podgate/images}. */
  public static Path defaultCacheDir() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("podgate").resolve("images");
  }

  public Path cacheDir() {
    return cacheDir;
  }

  /** Pod sandbox image: static busybox whose shell sleeps until TERM/INT. */
  public synchronized BuiltImage pause() {
    return cached("pause", () -> {
      Path busybox = host(BUSYBOX, "busybox-static");
      return HostImageBuilder.create(PAUSE_REFERENCE)
          .file(busybox, "/bin/busybox", 0755)
          .symlink("/bin/sh", "busybox")
          .symlink("/bin/sleep", "busybox")
          .entrypoint("/bin/sh", "-c", SLEEP_FOREVER_SCRIPT);
    });
  }

  /** Static busybox with a symlink for every applet; runs {@code sh} by default. */
  public synchronized BuiltImage busybox() {
    return cached("busybox", () -> withBusybox(HostImageBuilder.create(BUSYBOX_REFERENCE)).cmd("sh"));
  }

  /** nginx-light on port 80 serving {@link #NGINX_INDEX_BODY} and a 64 KiB payload; logs errors to stderr. */
  public synchronized BuiltImage nginx() {
    return cached("nginx", () -> {
      Path nginx = host(NGINX, "nginx-light");
      return withBaseFiles(HostImageBuilder.create(NGINX_REFERENCE))
          .binary(nginx, NGINX)
          .content("/etc/nginx/nginx.conf", nginxConf(), 0644)
          .content("/usr/share/nginx/html/index.html", NGINX_INDEX_BODY, 0644)
          .content("/usr/share/nginx/html" + NGINX_PAYLOAD_PATH, payload(), 0644)
          .exposedPort(NGINX_PORT)
          .entrypoint(NGINX, "-e", "stderr", "-c", "/etc/nginx/nginx.conf");
    });
  }

  /** busybox plus iperf3 with its libraries; sleeps until stopped unless given a command. */
  public synchronized BuiltImage debug() {
    return cached("debug", () -> {
      Path iperf3 = host(IPERF3, "iperf3");
      return withBusybox(HostImageBuilder.create(DEBUG_REFERENCE))
          .binary(iperf3, IPERF3)
          .exposedPort(5201)
          .cmd("/bin/sh", "-c", SLEEP_FOREVER_SCRIPT);
    });
  }

  /**
   * The measurement client pods run ({@code podgate:client}): the debug image plus wrk (with LuaJIT and OpenSSL
   * from the host) and podgate's wrk report script at {@link WrkLoad#SCRIPT_PATH}.
   */
  public synchronized BuiltImage client() {
    return cached("client", () -> {
      Path iperf3 = host(IPERF3, "iperf3");
      Path wrk = host(WRK, "wrk");
      return withBusybox(HostImageBuilder.create(CLIENT_REFERENCE))
          .binary(iperf3, IPERF3)
          .binary(wrk, WRK)
          .content(WrkLoad.SCRIPT_PATH, WrkLoad.SCRIPT, 0644)
          .cmd("/bin/sh", "-c", SLEEP_FOREVER_SCRIPT);
    });
  }

  private BuiltImage cached(String name, Supplier<HostImageBuilder> recipe) {
    BuiltImage known = built.get(name);
    if (known != null && Files.isRegularFile(known.archive())) {
      return known;
    }
    HostImageBuilder builder = recipe.get();
    String fingerprint = Digests.hex(builder.fingerprint(), "fingerprint").substring(0, 16);
    Path archive = cacheDir.resolve(name + "-" + fingerprint + ".tar");
    BuiltImage image = null;
    if (Files.isRegularFile(archive)) {
      image = readBack(archive, builder.reference());
    }
    if (image == null) {
      image = builder.build(archive);
    }
    built.put(name, image);
    return image;
  }

  /** The manifest digest of an archive built earlier, or null if it cannot be read (it is then rebuilt). */
  private static BuiltImage readBack(Path archive, String reference) {
    try {
      TarIndex tar = TarIndex.read(archive);
      TarIndex.Entry index = tar.find("index.json");
      if (index == null) {
        return null;
      }
      // our own index.json, with one manifest: a pattern, not a JSON parser, which a cold JVM would load for this alone
      java.util.regex.Matcher m = INDEX_DIGEST.matcher(new String(tar.readAll(index), java.nio.charset.StandardCharsets.UTF_8));
      String digest = m.find() ? m.group(1) : "";
      if (!Digests.isSha256(digest) || tar.find(Digests.blobPath(digest, "manifest")) == null) {
        return null;
      }
      return new BuiltImage(reference, digest, archive);
    } catch (IOException e) {
      return null;
    }
  }

  private HostImageBuilder withBusybox(HostImageBuilder b) {
    Path busybox = host(BUSYBOX, "busybox-static");
    withBaseFiles(b).file(busybox, "/bin/busybox", 0755);
    for (String applet : applets(busybox)) {
      if (!applet.equals("bin/busybox")) {
        b.symlink("/" + applet, "../".repeat((int) applet.chars().filter(c -> c == '/').count()) + "bin/busybox");
      }
    }
    return b;
  }

  private static HostImageBuilder withBaseFiles(HostImageBuilder b) {
    return b.directory("/tmp", 01777)
        .directory("/root", 0700)
        .content("/etc/passwd",
            "root:x:0:0:root:/root:/bin/sh\ngames:x:5:60:games:/usr/games:/usr/sbin/nologin\n"
            + "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n", 0644)
        .content("/etc/group", "root:x:0:\ngames:x:60:\nnogroup:x:65534:\n", 0644)
        .content("/etc/nsswitch.conf", "passwd: files\ngroup: files\nhosts: files dns\n", 0644)
        .content("/etc/hosts", "127.0.0.1 localhost\n::1 localhost\n", 0644);
  }

  private Path host(String absolute, String debianPackage) {
    Path p = hostRoot.resolve(absolute.substring(1));
    if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
      throw new PodgateException("host binary " + p + " is missing; it is needed to build podgate's images. "
          + "Install it with: apt-get install " + debianPackage);
    }
    return p;
  }

  private static List<String> applets(Path busybox) {
    try {
      Process p = new ProcessBuilder(busybox.toString(), "--list-full").redirectErrorStream(true).start();
      String out;
      try (InputStream in = p.getInputStream()) {
        out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new PodgateException("'" + busybox + " --list-full' failed: " + out.strip());
      }
      List<String> applets = new ArrayList<>();
      for (String line : out.split("\n")) {
        String a = line.strip();
        if (!a.isEmpty() && !a.contains("..")) {
          applets.add(a);
        }
      }
      return applets;
    } catch (IOException e) {
      throw new PodgateException("cannot run '" + busybox + " --list-full': " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PodgateException("interrupted while listing busybox applets", e);
    }
  }

  /** The config baked into the nginx image (the host baseline runs the same, see {@link NginxConf}). */
  public static String nginxConf() {
    return new NginxConf("/tmp/nginx.pid", "stderr", "/tmp/nginx-", NGINX_PORT + " default_server",
        "/usr/share/nginx/html").render();
  }

  static byte[] payload() {
    byte[] b = new byte[NGINX_PAYLOAD_BYTES];
    long x = 0x9E3779B97F4A7C15L;
    for (int i = 0; i < b.length; i++) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      b[i] = (byte) ('a' + (int) ((x >>> 33) % 26));
    }
    return b;
  }
}
