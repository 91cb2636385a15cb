package io.podgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.internal.report.ReportKind;
import io.podgate.internal.report.ReportTarget;
import io.podgate.testsupport.RequiresContainerd;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The "time a user waits" section for podgate in quick mode (one round, no warm-up), end to end:
 * bench/wait/podgate built offline against the installed podgate, its classes in fresh JVMs and
 * through {@code mvn -o test}. Every scenario and phase must come out with a positive figure; no
 * figure is compared with a time (targets are the bench's business).
 */
@RequiresContainerd
class UserWaitQuickTest {
  static final Path REPO_ROOT = Path.of("..").toAbsolutePath().normalize();
  static final Path PROJECT = REPO_ROOT.resolve("bench/wait/podgate");

  @BeforeAll
  static void buildTheWaitProject() throws Exception {
    List<String> cmd = new ArrayList<>(List.of("mvn", "-B", "-q", "-o", "-f", PROJECT.resolve("pom.xml").toString(),
        "-Dpodgate.version=" + WaitChildren.projectVersion(REPO_ROOT.resolve("pom.xml")), "test-compile",
        "dependency:build-classpath", "-Dmdep.outputFile=target/wait.classpath"));
    mavenRepo().ifPresent(r -> cmd.add("-Dmaven.repo.local=" + r));
    Path log = Files.createTempFile("wait-project-build", ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("build of %s finished", PROJECT).isTrue();
    assertThat(p.exitValue()).as("build of %s:%n%s", PROJECT, Files.readString(log)).isZero();
    Files.delete(log);
  }

  @Test
  @Timeout(600)
  void everyScenarioAndPhaseComesOutPositive() throws Exception {
    Path work = Path.of(System.getProperty("podgate.workdir", "/tmp/podgate-test"), "uw");
    Path logs = Path.of("target", "user-wait-quick-test");
    String bridge = System.getProperty("podgate.bridge", "pgtest0");
    UserWaitBenchmark.Settings settings = new UserWaitBenchmark.Settings(1, false, PROJECT, null, bridge,
        System.getProperty("podgate.subnet", "10.87.0.0/24"), work, UserWaitBenchmark.reuseSetting(),
        mavenRepo().map(Path::of).orElse(null), WaitChildren.projectVersion(REPO_ROOT.resolve("pom.xml")), logs);
    List<String> said = new ArrayList<>();

    UserWaitBenchmark.Outcome o = UserWaitBenchmark.run(settings, line -> {
      said.add(line);
      System.out.println(line);
    });
    System.out.print(o.table());

    List<String> metrics = new ArrayList<>(List.of(UserWaitBenchmark.OWN_READY, UserWaitBenchmark.OWN_TORN_DOWN,
        UserWaitBenchmark.OWN_RETURNED, UserWaitBenchmark.OWN_END, UserWaitBenchmark.OWN_PROCESS,
        UserWaitBenchmark.SUITE_READY, UserWaitBenchmark.SUITE_TORN_DOWN, UserWaitBenchmark.PER_METHOD,
        UserWaitBenchmark.MVN_WALL, UserWaitBenchmark.MVN_CLASS));
    metrics.addAll(UserWaitBenchmark.PHASES);
    for (String m : metrics) {
      assertThat(o.stats().values(UserWaitBenchmark.PODGATE, m)).as("podgate %s; logs in %s", m, logs)
          .singleElement().satisfies(v -> assertThat(v).isPositive());
    }
    assertThat(o.stats().metrics(UserWaitBenchmark.TESTCONTAINERS)).as("no peer asked for").isEmpty();
    // ready comes before torn down, torn down before the run ended, in the one run they share
    assertThat(o.stats().values(UserWaitBenchmark.PODGATE, UserWaitBenchmark.OWN_READY).get(0))
        .isLessThan(o.stats().values(UserWaitBenchmark.PODGATE, UserWaitBenchmark.OWN_TORN_DOWN).get(0));
    assertThat(o.stats().values(UserWaitBenchmark.PODGATE, UserWaitBenchmark.OWN_TORN_DOWN).get(0))
        .isLessThan(o.stats().values(UserWaitBenchmark.PODGATE, UserWaitBenchmark.OWN_END).get(0));

    assertThat(o.entry().kind()).isEqualTo(ReportKind.USER_WAIT);
    assertThat(o.entry().headline().get("podgateRuntimeReuse")).asString().isNotBlank();
    assertThat(o.entry().headline()).containsKey("podgateRuntimeOutlivedTestJvm").containsEntry("peers", "none");
    @SuppressWarnings("unchecked")
    Map<String, Object> medians = (Map<String, Object>) o.entry().headline().get("podgateMedianMs");
    assertThat(medians).containsKeys(metrics.toArray(String[]::new));
    assertThat(o.targets()).extracting(ReportTarget::name).containsExactly(UserWaitBenchmark.TARGET_PER_METHOD_MS);
    assertThat(o.targets().get(0).value()).isPositive();
    for (String m : metrics) {
      assertThat(o.table()).contains(UserWaitBenchmark.LABELS.get(m));
    }
    assertThat(said).anyMatch(l -> l.contains("runtime reuse"));

    assertThat(Path.of("/sys/class/net/" + bridge)).as("bridge removed").doesNotExist();
    if (!Boolean.TRUE.equals(o.entry().headline().get("podgateRuntimeOutlivedTestJvm"))) {
      try (Stream<Path> sessions = Files.isDirectory(work.resolve("pg")) ? Files.list(work.resolve("pg")) : Stream.empty()) {
        assertThat(sessions.toList()).as("podgate's session directories removed").isEmpty();
      }
    }
  }

  /** The local repository of the Maven running this test (surefire passes it), if any. */
  static java.util.Optional<String> mavenRepo() {
    return java.util.Optional.ofNullable(System.getProperty("podgate.bench.mavenRepo")).filter(r -> !r.isBlank()
        && !r.contains("${") && new File(r).isDirectory());
  }
}
