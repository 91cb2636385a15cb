package io.podgate.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files a JVM and the runtime keeper exchange pod removals through. */
class RemovalHandOffTest {
  @TempDir
  Path runtimeDir;

  @Test
  void acceptsOnlyWhenAKeeperRunsAndMadeTheRequestDirectory() throws Exception {
    AtomicBoolean keeper = new AtomicBoolean(true);
    RemovalHandOff handOff = new RemovalHandOff(runtimeDir, "s1", keeper::get);
    assertThat(handOff.accepting()).as("no request directory: a keeper of an older podgate").isFalse();
    Files.createDirectory(RemovalHandOff.directory(runtimeDir));
    assertThat(handOff.accepting()).isTrue();
    keeper.set(false);
    assertThat(handOff.accepting()).as("keeper gone").isFalse();
  }

  @Test
  void aRequestIsPendingUntilDoneAndAFailureIsReportedOnceToItsSession() throws Exception {
    Files.createDirectory(RemovalHandOff.directory(runtimeDir));
    RemovalHandOff mine = new RemovalHandOff(runtimeDir, "s1", () -> true);
    RemovalHandOff other = new RemovalHandOff(runtimeDir, "s2", () -> true);
    mine.submit("aaa", "web", "static field pod of WebTest");
    other.submit("bbb", "db", "static field pod of DbTest");
    assertThat(mine.handedOff("aaa")).isTrue();
    assertThat(mine.handedOff("bbb")).isFalse();
    assertThat(RemovalHandOff.pending(runtimeDir)).extracting(RemovalHandOff.Request::sandboxId)
        .containsExactlyInAnyOrder("aaa", "bbb");
    RemovalHandOff.Request web = RemovalHandOff.pending(runtimeDir).stream().filter(r -> r.sandboxId().equals("aaa"))
        .findFirst().orElseThrow();
    assertThat(web).isEqualTo(new RemovalHandOff.Request("aaa", "s1", ProcessHandle.current().pid(), "web",
        "static field pod of WebTest"));

    RemovalHandOff.failed(runtimeDir, web, "the runtime refused: CNI teardown failed");
    RemovalHandOff.done(runtimeDir, RemovalHandOff.pending(runtimeDir).get(0));
    assertThat(RemovalHandOff.pending(runtimeDir)).isEmpty();
    assertThat(other.takeFailures()).as("another session's failure").isEmpty();
    assertThat(mine.takeFailures()).singleElement().satisfies(f -> assertThat(f.describe())
        .isEqualTo("removing pod 'web' (static field pod of WebTest), handed to the runtime keeper, failed: "
            + "the runtime refused: CNI teardown failed"));
    assertThat(mine.takeFailures()).as("reported once").isEmpty();
    assertThat(RemovalHandOff.failures(runtimeDir)).isEmpty();
  }

  @Test
  void halfWrittenFilesAreNotRequests() throws Exception {
    Path requests = Files.createDirectory(RemovalHandOff.directory(runtimeDir));
    Files.writeString(requests.resolve(".ccc.request.tmp"), "sandbox=ccc\n");
    Files.writeString(requests.resolve("notes.txt"), "x");
    assertThat(RemovalHandOff.pending(runtimeDir)).isEmpty();
  }
}
