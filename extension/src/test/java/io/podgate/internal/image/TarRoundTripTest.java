package io.podgate.internal.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarRoundTripTest {
  @TempDir Path tmp;

  @Test
  void longNamesSurviveOurWriterOurReaderAndGnuTar() throws Exception {
    String medium = "a/" + "m".repeat(120) + "/file.txt";
    String huge = "b/" + "x".repeat(300) + ".txt";
    Path archive = tmp.resolve("t.tar");
    try (var os = Files.newOutputStream(archive)) {
      TarWriter w = new TarWriter(os);
      w.file("short.txt", 0644, "s".getBytes(StandardCharsets.UTF_8));
      w.file(medium, 0644, "medium".getBytes(StandardCharsets.UTF_8));
      w.file(huge, 0600, "huge".getBytes(StandardCharsets.UTF_8));
      w.symlink("link", "/" + "t".repeat(150));
      w.finish();
    }
    TarIndex index = TarIndex.read(archive);
    assertThat(index.files().keySet()).containsExactly("short.txt", medium, huge);
    assertThat(new String(index.readAll(index.find(huge)), StandardCharsets.UTF_8)).isEqualTo("huge");
    assertThat(new String(index.readAll(index.find(medium)), StandardCharsets.UTF_8)).isEqualTo("medium");

    List<String> listed = run("tar", "-tvf", archive.toString());
    assertThat(String.join("\n", listed))
        .contains(medium)
        .contains(huge)
        .contains("link -> /" + "t".repeat(150))
        .contains("-rw-------");
  }

  @Test
  void sameEntriesGiveSameBytes() throws IOException {
    assertThat(tarBytes()).isEqualTo(tarBytes());
  }

  private static byte[] tarBytes() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TarWriter w = new TarWriter(out);
    w.directory("d", 0755);
    w.file("d/f", 0644, new byte[] {1, 2, 3});
    w.finish();
    return out.toByteArray();
  }

  static List<String> run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("exit of %s, output:\n%s", List.of(command), out).isZero();
    return new ArrayList<>(out.lines().toList());
  }
}
