package io.podgate.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.podgate.CriContainer;
import io.podgate.Pod;
import io.podgate.PodSandbox;
import io.podgate.Podgate;
import io.podgate.internal.image.StandardImages;
import io.podgate.testsupport.TestRegistry;
import io.podgate.internal.pod.PodgateSession;
import io.podgate.internal.report.ReportWriter;
import io.podgate.testsupport.Faults;
import io.podgate.testsupport.FixtureOnly;
import io.podgate.testsupport.HostState;
import io.podgate.testsupport.RequiresContainerd;
import io.podgate.testsupport.SessionProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * A registry password given the public way (system properties naming a password file) never shows
 * up in what a failed pull produces: the exception text and stack trace, report files, JUnit report
 * entries, containerd's log. The password is wrong on purpose, so the failure path runs.
 */
@RequiresContainerd
class RegistryCredentialsTest {
  static final int PORT = 38721;
  static final String HOST = "127.0.0.1:" + PORT;
  static final String RIGHT = "pg-right-sentinel-" + UUID.randomUUID();
  static final String WRONG = "pg-wrong-sentinel-" + UUID.randomUUID();
  static volatile String containerdLog = "";

  /** Reads containerd's log before the session (and its directory) ends. */
  static final class KeepsDaemonLog implements AfterAllCallback {
    @Override
    public void afterAll(ExtensionContext ctx) throws IOException {
      try (PodgateSession.Lease lease = PodgateSession.acquire()) {
        Path log = lease.session().embedded().orElseThrow().logFile();
        containerdLog = Files.readString(log);
      }
    }
  }

  @ExtendWith({FixtureOnly.class, SessionProbe.class, KeepsDaemonLog.class})
  @Podgate
  static class PullsWithAWrongPassword {
    @PodSandbox
    @CriContainer(name = "c", image = "127.0.0.1:38721/podgate/busybox:1", command = {"sleep", "3600"})
    static Pod pod;

    @Test
    void neverRuns() {
      assertThat(pod).isNotNull();
    }
  }

  @Test
  void wrongPasswordFailsWithoutShowingIt(@TempDir Path tmp) throws Exception {
    assumeThat(Files.isExecutable(TestRegistry.BINARY)).as("docker-registry installed").isTrue();
    Path passwordFile = tmp.resolve("password");
    Files.writeString(passwordFile, WRONG + "\n");
    Path reports = tmp.resolve("reports");
    String p = "podgate.registry." + HOST + ".";
    EngineExecutionResults r;
    String registryLog;
    try (TestRegistry registry = TestRegistry.start("podgate", RIGHT, PORT)) {
      registry.push(new StandardImages(StandardImages.defaultCacheDir()).busybox().archive(), "podgate/busybox:1", RIGHT);
      System.setProperty(p + "username", "podgate");
      System.setProperty(p + "passwordFile", passwordFile.toString());
      System.setProperty(p + "insecure", "true");
      System.setProperty(ReportWriter.DIR_PROPERTY, reports.toString());
      try {
        r = Faults.run(PullsWithAWrongPassword.class);
      } finally {
        List.of(p + "username", p + "passwordFile", p + "insecure", ReportWriter.DIR_PROPERTY).forEach(System::clearProperty);
      }
      registryLog = registry.log();
    }
    String failures = Faults.failures(r);
    assertThat(failures).as("what the user reads").contains("pulling it through CRI failed")
        .contains(HOST + "/podgate/busybox:1").contains("user 'podgate'").contains(p + "passwordFile")
        .containsAnyOf("401", "nauthorized", "UNAUTHENTICATED");
    StringBuilder seen = new StringBuilder(failures);
    r.allEvents().failed().stream().forEach(e -> e.getPayload(org.junit.platform.engine.TestExecutionResult.class)
        .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable)
        .ifPresent(t -> seen.append(Faults.stackTrace(t))));
    r.allEvents().reportingEntryPublished().stream()
        .map(e -> e.getRequiredPayload(org.junit.platform.engine.reporting.ReportEntry.class).getKeyValuePairs())
        .forEach(m -> seen.append(m));
    List<Path> reportFiles = new ArrayList<>();
    for (Path dir : List.of(reports, Path.of("target", "podgate"))) {
      if (Files.isDirectory(dir)) {
        try (Stream<Path> files = Files.walk(dir)) {
          for (Path f : files.filter(Files::isRegularFile).toList()) {
            reportFiles.add(f);
            seen.append(Files.readString(f));
          }
        }
      }
    }
    assertThat(containerdLog).as("containerd's log was read").isNotEmpty();
    seen.append(containerdLog).append(registryLog);
    for (String secret : List.of(WRONG, RIGHT)) {
      assertThat(seen.toString()).as("exception text, stack traces, report entries, %s, containerd and registry logs",
          reportFiles).doesNotContain(secret);
    }
    HostState.assertClean();
  }
}
