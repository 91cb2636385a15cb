package io.podgate.internal.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuncLeftoversTest {
  private static final String ID = "c651115f2d5c755cc22a7a6521ff684b187cca1fc85cdb6758769d7b42796a2e";

  @Test
  void onlyTheContainersOwnDirectoryBelowAHierarchyIsItsCgroup() {
    assertThat(RuncLeftovers.ownCgroup(Path.of("/sys/fs/cgroup/memory/k8s.io/" + ID), ID)).isTrue();
    assertThat(RuncLeftovers.ownCgroup(Path.of("/sys/fs/cgroup/unified/k8s.io/" + ID), ID)).isTrue();
    assertThat(RuncLeftovers.ownCgroup(Path.of("/sys/fs/cgroup/" + ID), ID)).as("a hierarchy root").isFalse();
    assertThat(RuncLeftovers.ownCgroup(Path.of("/sys/fs/cgroup/memory/k8s.io"), ID)).isFalse();
    assertThat(RuncLeftovers.ownCgroup(Path.of("/sys/fs/cgroup/memory/k8s.io/other"), ID)).isFalse();
    assertThat(RuncLeftovers.ownCgroup(Path.of("/tmp/memory/k8s.io/" + ID), ID)).isFalse();
    assertThat(RuncLeftovers.ownCgroup(Path.of("/sys/fs/cgroup/memory/../../../tmp/x/" + ID).normalize(), ID))
        .isFalse();
  }

  @Test
  void pathsOutsideTheCgroupTreeInARuncStateAreNeverTouched(@TempDir Path dir) throws Exception {
    Path victim = Files.createDirectory(dir.resolve(ID));
    var paths = new ObjectMapper().readTree("{\"memory\": \"" + victim + "\"}");
    assertThat(RuncLeftovers.deleteCgroups(ID, paths)).isEmpty();
    assertThat(victim).isDirectory();
  }

  @Test
  void rmdirSaysWhyADirectoryStayed(@TempDir Path dir) throws Exception {
    Path gone = dir.resolve("gone");
    assertThat(RuncLeftovers.rmdir(gone, Duration.ZERO)).isNull();
    Path parent = Files.createDirectories(dir.resolve("parent/child"));
    assertThat(RuncLeftovers.rmdir(parent.getParent(), Duration.ZERO)).isEqualTo("it is not empty");
    assertThat(RuncLeftovers.rmdir(parent, Duration.ZERO)).isNull();
    assertThat(parent).doesNotExist();
  }
}
