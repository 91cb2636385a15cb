package io.podgate.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The wait section's child processes: the driver JVM ({@link WaitDriver}) on a project's classes and class path,
 * {@code mvn}, and the containerd processes seen among their descendants; where a project's classes and podgate's
 * version come from.
 */
final class WaitChildren {
  private static final String PODGATE = UserWaitBenchmark.PODGATE;
  private static final String TESTCONTAINERS = UserWaitBenchmark.TESTCONTAINERS;
  private static final String REUSE_PROPERTY = UserWaitBenchmark.REUSE_PROPERTY;
  private static final java.time.Duration RUN_TIMEOUT = java.time.Duration.ofMinutes(5);

  private final UserWaitBenchmark.Settings s;
  private final Consumer<String> log;
  private final Path podgateWork;
  /** containerd processes seen among the runs' descendants. */
  private final java.util.Set<ProcessHandle> runtimes = new java.util.LinkedHashSet<>();

  WaitChildren(UserWaitBenchmark.Settings s, Path podgateWork, Consumer<String> log) {
    this.s = s;
    this.podgateWork = podgateWork;
    this.log = log;
  }

  record Child(WaitTimeline timeline, long spawnMicros, long exitMicros, Path log) {}

  Child driver(String tool, String name, List<String> classes, Path containerdLog, List<String> cpuClasses) {
    Path project = project(tool);
    Path timelineFile = s.logDir().resolve(name + ".timeline");
    Path out = s.logDir().resolve(name + ".log");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (tool.equals(PODGATE)) {
      cmd.add("-D" + BenchDaemon.BRIDGE_PROPERTY + "=" + s.bridge());
      cmd.add("-D" + BenchDaemon.SUBNET_PROPERTY + "=" + s.subnet());
      cmd.add("-D" + BenchDaemon.WORKDIR_PROPERTY + "=" + podgateWork);
      if (s.reuse() != null) {
        cmd.add("-D" + REUSE_PROPERTY + "=" + s.reuse());
      }
    }
    cmd.add("-cp");
    cmd.add(classpath(project));
    cmd.add(WaitDriver.class.getName());
    cmd.add("--out");
    cmd.add(timelineFile.toString());
    if (containerdLog != null) {
      cmd.add("--containerd-logs-under");
      cmd.add(podgateWork.toString());
      cmd.add("--containerd-log-copy");
      cmd.add(containerdLog.toString());
    }
    for (String c : cpuClasses) {
      cmd.add("--cpu");
      cmd.add(c);
    }
    cmd.addAll(classes);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(project.toFile()).redirectErrorStream(true)
        .redirectOutput(out.toFile());
    environment(tool, pb);
    long spawn = WaitDriver.micros();
    int rc = await(start(pb, name), name, out);
    long exit = WaitDriver.micros();
    settle(tool);
    WaitTimeline t;
    try {
      t = WaitTimeline.parse(Files.readAllLines(timelineFile));
    } catch (IOException e) {
      throw new IllegalStateException(name + ": the driver wrote no timeline (exit " + rc + "); see " + out
          + tail(read(out)), e);
    }
    if (rc != 0 || !t.failures().isEmpty()) {
      throw new IllegalStateException(name + ": tests failed (exit " + rc + "): " + t.failures() + "; see " + out
          + tail(read(out)));
    }
    return new Child(t, spawn, exit, out);
  }

  /**
   * After a podgate run on a reused runtime: waits (up to 15 s) until its keeper has removed the pods the
   * run handed to it, so that work does not fall into the next run measured (of either tool).
   */
  void settle(String tool) {
    if (!tool.equals(PODGATE)) {
      return;
    }
    Path runtime = io.podgate.internal.runtime.SharedContainerd.directory(podgateWork, s.bridge());
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (!io.podgate.internal.runtime.RemovalHandOff.pending(runtime).isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  static void environment(String tool, ProcessBuilder pb) {
    if (tool.equals(TESTCONTAINERS)) {
      pb.environment().put("TESTCONTAINERS_RYUK_DISABLED", "true");
      // this VM has /.dockerenv: without it Testcontainers thinks it runs in a container and pulls an image
      pb.environment().put("TESTCONTAINERS_HOST_OVERRIDE", "localhost");
    }
  }

  Process start(ProcessBuilder pb, String name) {
    try {
      return pb.start();
    } catch (IOException e) {
      throw new IllegalStateException(name + ": cannot start " + pb.command().get(0) + ": " + e.getMessage(), e);
    }
  }

  /**
   * Waits for the process, noting every containerd among its descendants while it runs; after the
   * timeout it and its descendants are killed (by PID) and this throws.
   */
  int await(Process p, String name, Path out) {
    long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
    try {
      while (!p.waitFor(100, TimeUnit.MILLISECONDS)) {
        p.descendants().filter(d -> d.info().command().map(c -> c.endsWith("/containerd")).orElse(false))
            .forEach(runtimes::add);
        if (System.nanoTime() - deadline > 0) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
          p.waitFor(10, TimeUnit.SECONDS);
          throw new IllegalStateException(name + " took longer than " + RUN_TIMEOUT + " and was killed; see " + out);
        }
      }
      return p.exitValue();
    } catch (InterruptedException e) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException(name + " interrupted", e);
    }
  }

  /**
   * Whether a containerd of these runs still runs now that their JVM is gone: one seen among a run's
   * descendants, or one whose command line names the work directory podgate was given.
   */
  boolean outlivingRuntime() {
    String dir = podgateWork.toString();
    List<ProcessHandle> alive = new ArrayList<>(runtimes.stream().filter(ProcessHandle::isAlive).toList());
    ProcessHandle.allProcesses().filter(p -> p.info().commandLine()
        .map(cl -> cl.contains(dir) && cl.contains("containerd")).orElse(false)).forEach(alive::add);
    if (!alive.isEmpty()) {
      log.accept("podgate's runtime outlived the test JVM: containerd PID(s) "
          + alive.stream().map(h -> Long.toString(h.pid())).distinct().toList());
    }
    return !alive.isEmpty();
  }

  Path project(String tool) {
    return tool.equals(PODGATE) ? s.podgateProject() : s.testcontainersProject();
  }

  static String className(String tool, String simple) {
    return "io.podgate.bench.wait." + tool + "." + simple;
  }

  /** The driver's classes (this module's), the project's compiled tests and its test class path. */
  static String classpath(Path project) {
    Path cpFile = project.resolve("target/wait.classpath");
    Path classes = project.resolve("target/test-classes");
    if (!Files.isRegularFile(cpFile) || !Files.isDirectory(classes)) {
      throw new IllegalStateException("the wait classes of " + project + " are not built: run `mvn -o -q -f "
          + project.resolve("pom.xml") + " test-compile dependency:build-classpath -Dmdep.outputFile=target/wait.classpath`"
          + " (ci/bench does)");
    }
    String driver;
    try {
      driver = Path.of(WaitDriver.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException("cannot locate the wait driver's classes: " + e.getMessage(), e);
    }
    return driver + java.io.File.pathSeparator + classes.toAbsolutePath() + java.io.File.pathSeparator
        + read(cpFile).trim();
  }

  static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  static String tail(String text) {
    String[] lines = text.split("\n");
    StringBuilder b = new StringBuilder("\n--- last lines ---\n");
    for (int i = Math.max(0, lines.length - 40); i < lines.length; i++) {
      b.append(lines[i]).append('\n');
    }
    return b.toString();
  }

  /** The version in the root pom ({@code <project><version>}), which the wait project must depend on. */
  static String projectVersion(Path rootPom) {
    try {
      Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(rootPom.toFile())
          .getDocumentElement();
      for (Node n = project.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (n instanceof Element e && e.getTagName().equals("version")) {
          return e.getTextContent().trim();
        }
      }
      throw new IllegalStateException(rootPom + " has no <project><version>");
    } catch (Exception e) {
      throw new IllegalStateException("cannot read podgate's version from " + rootPom + ": " + e.getMessage(), e);
    }
  }
}
