package io.podgate.bench;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs test classes through the JUnit Platform launcher in this fresh JVM, in their {@code @Order},
 * and writes what a user waits for as a {@link WaitTimeline} file. Knows nothing of podgate or
 * Testcontainers: the classes are ordinary tests of either; a class says when its service first
 * answered through the system property {@code podgate.bench.wait.ready.<class>}.
 *
 * <pre>
 *   WaitDriver --out FILE [--containerd-logs-under DIR --containerd-log-copy FILE] [--cpu CLASS]... CLASS...
 * </pre>
 *
 * With {@code --cpu CLASS}, the CPU used so far ({@link CpuSnapshot}) is recorded when that class starts and when
 * it ends (after its own start and end times are taken, so its timings do not include the reading).
 *
 * With {@code --containerd-logs-under}, a containerd log appearing at {@code DIR/<x>/containerd.log} or
 * {@code DIR/<x>/containerd/containerd.log} during the run is read as it is written (the file stays
 * readable once deleted) and copied to the given file at the end. Exit status 0 when every test
 * passed, 1 otherwise (the failures are in the timeline file).
 */
public final class WaitDriver {
  public static final String READY_PROPERTY_PREFIX = "podgate.bench.wait.ready.";

  private WaitDriver() {}

  public static void main(String[] args) throws Exception {
    int status = run(args);
    System.out.flush();
    // non-daemon threads of either library must not keep the JVM: its exit is part of what is measured
    System.exit(status);
  }

  /** Runs the classes and writes the timeline; 0 when every test passed, 1 when one failed, 2 for bad arguments. */
  static int run(String[] args) throws Exception {
    Path out = null;
    Path logsUnder = null;
    Path logCopy = null;
    List<String> classes = new ArrayList<>();
    List<String> cpuClasses = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--out" -> out = Path.of(args[++i]);
        case "--containerd-logs-under" -> logsUnder = Path.of(args[++i]);
        case "--containerd-log-copy" -> logCopy = Path.of(args[++i]);
        case "--cpu" -> cpuClasses.add(args[++i]);
        default -> classes.add(args[i]);
      }
    }
    if (out == null || classes.isEmpty()) {
      System.err.println("usage: WaitDriver --out FILE [--containerd-logs-under DIR --containerd-log-copy FILE] "
          + "[--cpu CLASS]... CLASS...");
      return 2;
    }
    LogTail tail = logsUnder == null ? null : LogTail.start(logsUnder);
    Recorder rec = new Recorder(cpuClasses);
    List<ClassSelector> selectors = new ArrayList<>();
    for (String c : classes) {
      selectors.add(selectClass(c));
    }
    LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectors)
        .configurationParameter("junit.jupiter.testclass.order.default",
            "org.junit.jupiter.api.ClassOrderer$OrderAnnotation")
        .build(), rec);
    rec.line(WaitTimeline.RETURNED, "", micros());
    for (String c : classes) {
      String ready = System.getProperty(READY_PROPERTY_PREFIX + c);
      if (ready != null) {
        rec.lines.add(WaitTimeline.READY + "\t" + c + "\t" + ready);
      }
    }
    if (tail != null) {
      byte[] log = tail.stop();
      if (logCopy != null) {
        Files.write(logCopy, log);
      }
    }
    Files.write(out, rec.lines, StandardCharsets.UTF_8);
    return rec.failed ? 1 : 0;
  }

  /** Wall-clock microseconds since the epoch: comparable with the parent's clock. */
  static long micros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
  }

  private static final class Recorder implements TestExecutionListener {
    final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    final List<String> cpuClasses;
    volatile boolean failed;

    Recorder(List<String> cpuClasses) {
      this.cpuClasses = List.copyOf(cpuClasses);
    }

    void line(String kind, String subject, long micros, String... more) {
      StringBuilder b = new StringBuilder(kind).append('\t').append(subject).append('\t').append(micros);
      for (String m : more) {
        b.append('\t').append(m.replace('\t', ' ').replace('\n', ' '));
      }
      lines.add(b.toString());
    }

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
      line(WaitTimeline.PLAN_START, "", micros());
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
      line(WaitTimeline.PLAN_END, "", micros());
    }

    @Override
    public void executionStarted(TestIdentifier id) {
      long now = micros();
      if (isClass(id)) {
        line(WaitTimeline.CLASS_START, className(id), now);
        if (cpuClasses.contains(className(id))) {
          line(WaitTimeline.CPU_AT_CLASS_START, className(id), micros(), CpuSnapshot.take().format());
        }
      } else if (id.isTest()) {
        line(WaitTimeline.TEST_START, testName(id), now);
      }
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
      long now = micros();
      if (id.getParentId().isEmpty()) {
        line(WaitTimeline.ENGINE_END, id.getUniqueId(), now);
      } else if (isClass(id)) {
        line(WaitTimeline.CLASS_END, className(id), now);
        if (cpuClasses.contains(className(id))) {
          line(WaitTimeline.CPU_AT_CLASS_END, className(id), micros(), CpuSnapshot.take().format());
        }
      } else if (id.isTest()) {
        line(WaitTimeline.TEST_END, testName(id), now);
      }
      if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
        failed = true;
        StringWriter sw = new StringWriter();
        result.getThrowable().ifPresent(t -> t.printStackTrace(new PrintWriter(sw)));
        System.err.println("FAILED " + id.getUniqueId() + " " + result.getStatus() + "\n" + sw);
        line(WaitTimeline.FAILURE, id.getUniqueId(), now, result.getStatus() + ": "
            + result.getThrowable().map(Throwable::toString).orElse(""));
      }
    }

    @Override
    public void reportingEntryPublished(TestIdentifier id, ReportEntry entry) {
      Map<String, String> kv = entry.getKeyValuePairs();
      if (kv.keySet().stream().anyMatch(k -> k.startsWith("podgate.pod"))) {
        line(WaitTimeline.ENTRY, owner(id), micros(), kv.entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue().replace(';', ',')).collect(Collectors.joining(";")));
      }
    }

    private static boolean isClass(TestIdentifier id) {
      return id.isContainer() && id.getSource().orElse(null) instanceof ClassSource;
    }

    private static String className(TestIdentifier id) {
      return ((ClassSource) id.getSource().orElseThrow()).getClassName();
    }

    private static String testName(TestIdentifier id) {
      return id.getSource().orElse(null) instanceof MethodSource m ? m.getClassName() + "#" + m.getMethodName()
          : id.getUniqueId();
    }

    /** The class (for a class-level entry) or class#method the entry was published for. */
    private static String owner(TestIdentifier id) {
      return isClass(id) ? className(id) : testName(id);
    }
  }

  /** Reads a containerd log from its first appearance until stopped, even after the file is deleted. */
  static final class LogTail {
    private final Path under;
    private final StringBuilder read = new StringBuilder();
    private final Thread thread;
    private volatile boolean stop;
    private RandomAccessFile file;

    private LogTail(Path under) {
      this.under = under;
      this.thread = new Thread(this::loop, "wait-driver-log-tail");
      thread.setDaemon(true);
    }

    static LogTail start(Path under) {
      LogTail t = new LogTail(under);
      t.thread.start();
      return t;
    }

    private void loop() {
      try {
        while (!stop) {
          if (file == null) {
            Path found = find();
            if (found != null) {
              try {
                file = new RandomAccessFile(found.toFile(), "r");
              } catch (IOException e) {
                // deleted between listing and opening: look again
              }
            }
          }
          drain();
          Thread.sleep(5);
        }
        drain();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private Path find() {
      if (!Files.isDirectory(under)) {
        return null;
      }
      try (DirectoryStream<Path> dirs = Files.newDirectoryStream(under)) {
        for (Path d : dirs) {
          for (Path candidate : List.of(d.resolve("containerd.log"), d.resolve("containerd").resolve("containerd.log"))) {
            if (Files.isRegularFile(candidate)) {
              return candidate;
            }
          }
        }
      } catch (IOException | UncheckedIOException e) {
        // a directory went away while listing
      }
      return null;
    }

    private synchronized void drain() {
      if (file == null) {
        return;
      }
      try {
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = file.read(buf)) > 0) {
          read.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
      } catch (IOException e) {
        // keep what was read
      }
    }

    byte[] stop() throws InterruptedException {
      stop = true;
      thread.join(2000);
      synchronized (this) {
        drain();
        try {
          if (file != null) {
            file.close();
          }
        } catch (IOException e) {
          // read-only handle
        }
        return read.toString().getBytes(StandardCharsets.UTF_8);
      }
    }
  }
}
