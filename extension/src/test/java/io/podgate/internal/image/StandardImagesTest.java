package io.podgate.internal.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.podgate.PodgateException;
import io.podgate.testsupport.RequiresContainerd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StandardImagesTest {
  @TempDir Path tmp;

  @Test
  void everyImageBuildsReproduciblyAcrossCaches() {
    StandardImages a = new StandardImages(tmp.resolve("cache-a"));
    StandardImages b = new StandardImages(tmp.resolve("cache-b"));
    assertThat(a.pause().manifestDigest()).isEqualTo(b.pause().manifestDigest());
    assertThat(a.busybox().manifestDigest()).isEqualTo(b.busybox().manifestDigest());
    assertThat(a.nginx().manifestDigest()).isEqualTo(b.nginx().manifestDigest());
    assertThat(a.debug().manifestDigest()).isEqualTo(b.debug().manifestDigest());
    assertThat(a.pause().reference()).isEqualTo(StandardImages.PAUSE_REFERENCE);
    assertThat(a.nginx().reference()).isEqualTo(StandardImages.NGINX_REFERENCE);
    assertThat(List.of(a.pause(), a.busybox(), a.nginx(), a.debug()))
        .extracting(BuiltImage::manifestDigest).doesNotHaveDuplicates();
  }

  @Test
  void cachedArchiveIsReusedNotRebuilt() throws Exception {
    Path cache = tmp.resolve("cache");
    BuiltImage first = new StandardImages(cache).pause();
    Files.setLastModifiedTime(first.archive(), FileTime.fromMillis(1_000));
    BuiltImage again = new StandardImages(cache).pause();
    assertThat(again).isEqualTo(first);
    assertThat(Files.getLastModifiedTime(again.archive()).toMillis()).isEqualTo(1_000);
    try (var files = Files.list(cache)) {
      assertThat(files.filter(p -> !p.getFileName().toString().startsWith("."))).hasSize(1);
    }
  }

  @RequiresContainerd
  @Test
  void pauseStopsAtOnceOnTermAndRunsFromItsOwnFiles() throws Exception {
    BuiltImage pause = new StandardImages(tmp.resolve("cache")).pause();
    JsonNode config = ImageRootfs.config(pause);
    assertThat(config.path("config").path("Entrypoint").toString())
        .isEqualTo("[\"/bin/sh\",\"-c\",\"trap \\\"exit 0\\\" TERM INT; while :; do sleep 3600 & wait $!; done\"]");
    assumeThat(ImageRootfs.isRoot()).as("chroot needs root").isTrue();
    Path root = ImageRootfs.unpack(pause, tmp);
    Process p = new ProcessBuilder("chroot", root.toString(), "/bin/sh", "-c", StandardImages.SLEEP_FOREVER_SCRIPT).start();
    try {
      Thread.sleep(300);
      assertThat(p.isAlive()).as("pause keeps running").isTrue();
      p.destroy();
      assertThat(p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).as("pause ends on TERM").isTrue();
      assertThat(p.exitValue()).isZero();
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
      for (ProcessHandle child : p.descendants().toList()) {
        child.destroyForcibly();
      }
    }
  }

  @RequiresContainerd
  @Test
  void nginxConfigIsAcceptedByNginxInsideTheImage() throws Exception {
    BuiltImage nginx = new StandardImages(tmp.resolve("cache")).nginx();
    JsonNode config = ImageRootfs.config(nginx);
    assertThat(config.path("config").path("ExposedPorts").has("80/tcp")).isTrue();
    assumeThat(ImageRootfs.isRoot()).as("chroot needs root").isTrue();
    Path root = ImageRootfs.unpack(nginx, tmp);
    assertThat(Files.readString(root.resolve("usr/share/nginx/html/index.html"))).isEqualTo(StandardImages.NGINX_INDEX_BODY);
    assertThat(Files.size(root.resolve("usr/share/nginx/html" + StandardImages.NGINX_PAYLOAD_PATH)))
        .isEqualTo(StandardImages.NGINX_PAYLOAD_BYTES);
    List<String> out = TarRoundTripTest.run("chroot", root.toString(),
        "/usr/sbin/nginx", "-t", "-e", "stderr", "-c", "/etc/nginx/nginx.conf");
    assertThat(String.join("\n", out)).contains("syntax is ok").contains("test is successful");
  }

  @RequiresContainerd
  @Test
  void nginxServesTheKnownBodyFromItsImageInAPrivateNetworkNamespace() throws Exception {
    assumeThat(ImageRootfs.isRoot()).as("chroot and unshare need root").isTrue();
    Path root = ImageRootfs.unpack(new StandardImages(tmp.resolve("cache")).nginx(), tmp);
    String script = "ip link set lo up; "
        + "chroot " + root + " /usr/sbin/nginx -e stderr -c /etc/nginx/nginx.conf & pid=$!; "
        + "for i in $(seq 50); do curl -sf http://127.0.0.1:" + StandardImages.NGINX_PORT + "/ && break; sleep 0.1; done; "
        + "echo; curl -s -o /dev/null -w 'payload=%{size_download}' http://127.0.0.1" + StandardImages.NGINX_PAYLOAD_PATH + "; echo; "
        + "kill -TERM $pid; wait $pid; echo exit=$?";
    String out = String.join("\n", TarRoundTripTest.run("unshare", "--net", "sh", "-c", script));
    assertThat(out).contains(StandardImages.NGINX_INDEX_BODY.strip())
        .contains("payload=" + StandardImages.NGINX_PAYLOAD_BYTES)
        .contains("exit=0");
  }

  @RequiresContainerd
  @Test
  void busyboxAndDebugRunTheirToolsInsideTheImage() throws Exception {
    StandardImages images = new StandardImages(tmp.resolve("cache"));
    assumeThat(ImageRootfs.isRoot()).as("chroot needs root").isTrue();
    Path bb = ImageRootfs.unpack(images.busybox(), Files.createDirectories(tmp.resolve("bb")));
    assertThat(TarRoundTripTest.run("chroot", bb.toString(), "/bin/sh", "-c", "echo $((6*7)); wget --help 2>&1 | head -1"))
        .first().isEqualTo("42");
    Path debug = ImageRootfs.unpack(images.debug(), Files.createDirectories(tmp.resolve("debug")));
    assertThat(String.join("\n", TarRoundTripTest.run("chroot", debug.toString(), "/usr/bin/iperf3", "--version")))
        .contains("iperf 3");
  }

  @Test
  void missingHostBinaryNamesItAndItsDebianPackage() {
    StandardImages images = new StandardImages(tmp.resolve("cache"), tmp.resolve("empty-host"));
    assertThatThrownBy(images::pause)
        .isInstanceOf(PodgateException.class)
        .hasMessageContaining("usr/bin/busybox")
        .hasMessageContaining("apt-get install busybox-static");
    assertThatThrownBy(images::nginx)
        .isInstanceOf(PodgateException.class)
        .hasMessageContaining("usr/sbin/nginx")
        .hasMessageContaining("apt-get install nginx-light");
  }
}
