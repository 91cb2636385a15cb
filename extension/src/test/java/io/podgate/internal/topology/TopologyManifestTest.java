package io.podgate.internal.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopologyManifestTest {
  @TempDir
  Path dir;

  @Test
  void entriesAreReadBackInOrderAndMalformedLinesSkipped() {
    TopologyManifest m = TopologyManifest.create(dir);
    m.add("netns", "pgn-x");
    m.add("route", "10.214.0.0/16", "198.18.0.2");
    assertThat(m.read()).extracting(TopologyManifest.Entry::kind).containsExactly("owner", "dir", "netns", "route");
    assertThat(TopologyManifest.parse(List.of("route 10.1.0.0/16", "bogus a b", "# c", "link pgnx")))
        .extracting(TopologyManifest.Entry::line).containsExactly("link pgnx");
  }

  @Test
  void theOwnerIsThisJvmWhileItRunsAndAGonePidIsNotAlive() throws Exception {
    TopologyManifest m = TopologyManifest.create(dir);
    assertThat(m.owner()[0]).isEqualTo(ProcessHandle.current().pid());
    assertThat(m.ownerAlive()).as("manifest %s", Files.readString(m.file())).isTrue();
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    Path other = Files.createDirectory(dir.resolve("other"));
    Files.writeString(other.resolve(TopologyManifest.FILE_NAME), "owner " + p.pid() + " 0\n");
    assertThat(TopologyManifest.at(other.resolve(TopologyManifest.FILE_NAME)).ownerAlive()).isFalse();
  }
}
