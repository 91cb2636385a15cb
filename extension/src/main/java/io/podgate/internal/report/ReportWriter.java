package io.podgate.internal.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podgate.PodgateException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes one JSON file per recorded test into the report directory, then regenerates
 * summary.json and index.html from every test file of the current run found there, so calling it
 * after each test class (or once at the end) yields a report of the whole run.
 *
 * <p>A file belongs to the current run when its runId matches, or when it was written after this
 * run started. Older test files of another run are deleted, so a removed test does not linger.
 */
public final class ReportWriter {
  public static final String DIR_PROPERTY = "podgate.report.dir";
  public static final String RUN_ID_PROPERTY = "podgate.run.id";
  public static final Path DEFAULT_DIR = Path.of("target", "podgate");
  public static final String TEST_SCHEMA = "podgate.test/v1";
  public static final String SUMMARY_SCHEMA = "podgate.summary/v1";
  public static final String SUMMARY_FILE = "summary.json";
  public static final String INDEX_FILE = "index.html";
  private static final String LOCK_FILE = ".podgate-report.lock";
  /** One writer at a time in this JVM (a second FileLock from the same JVM would throw); the file lock covers forks. */
  private static final Object JVM_LOCK = new Object();

  /** The files of one write. */
  public record Written(Path dir, Path summary, Path index, List<Path> testFiles, List<String> skipped) {}

  private final Path dir;
  private final String runId;
  private final Instant runStart;
  private final Clock clock;
  /** Made at the first write: a run that measures nothing never loads the JSON library (about 150 ms cold). */
  private static final class Indenting {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }

  public ReportWriter(Path dir, String runId, Instant runStart, Clock clock) {
    this.dir = Objects.requireNonNull(dir, "dir");
    this.runId = Objects.requireNonNull(runId, "runId");
    this.runStart = Objects.requireNonNull(runStart, "runStart");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Directory from {@code -Dpodgate.report.dir} (default target/podgate), run id from
   * {@code -Dpodgate.run.id} (default: this JVM), run start = this JVM's start.
   */
  public static ReportWriter fromSystemProperties() {
    String dirProp = System.getProperty(DIR_PROPERTY);
    Path dir = dirProp == null || dirProp.isBlank() ? DEFAULT_DIR : Path.of(dirProp);
    long start = ManagementFactory.getRuntimeMXBean().getStartTime();
    String runId = System.getProperty(RUN_ID_PROPERTY);
    if (runId == null || runId.isBlank()) {
      runId = "jvm-" + ProcessHandle.current().pid() + "-" + start;
    }
    return new ReportWriter(dir, runId, Instant.ofEpochMilli(start), Clock.systemUTC());
  }

  public Path dir() {
    return dir;
  }

  public String runId() {
    return runId;
  }

  /** Writes the recorder's tests, then summary.json and index.html for the whole run. */
  public Written write(ReportRecorder recorder) {
    synchronized (JVM_LOCK) {
      return writeLocked(recorder);
    }
  }

  private Written writeLocked(ReportRecorder recorder) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new PodgateException("cannot create the report directory " + dir.toAbsolutePath()
          + " (set -D" + DIR_PROPERTY + " to a writable directory): " + e, e);
    }
    try (FileChannel ch = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock ignored = ch.lock()) {
      List<Path> written = new ArrayList<>();
      for (ReportRecorder.TestRecord t : recorder.snapshot()) {
        Path file = dir.resolve(TestIds.fileStem(t.id()) + ".json");
        writeAtomically(file, Indenting.MAPPER.writeValueAsString(testJson(t)));
        written.add(file);
      }
      List<String> skipped = new ArrayList<>();
      List<TestFile> run = readRun(skipped);
      ObjectNode summary = summary(run);
      Path summaryFile = dir.resolve(SUMMARY_FILE);
      Path indexFile = dir.resolve(INDEX_FILE);
      writeAtomically(summaryFile, Indenting.MAPPER.writeValueAsString(summary));
      writeAtomically(indexFile, HtmlReport.render(summary, run.stream().map(TestFile::json).toList()));
      return new Written(dir, summaryFile, indexFile, written, skipped);
    } catch (IOException e) {
      throw new PodgateException("writing the podgate report into " + dir.toAbsolutePath() + " failed: " + e, e);
    }
  }

  private record TestFile(String fileName, JsonNode json) {}

  private Map<String, Object> testJson(ReportRecorder.TestRecord t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("schema", TEST_SCHEMA);
    m.put("runId", runId);
    m.put("id", t.id());
    m.put("displayName", t.displayName());
    m.put("generatedAt", clock.instant().toString());
    m.put("measurements", t.entries().stream().map(ReportEntry::toJson).toList());
    m.put("targets", t.targets().stream().map(x -> x.toJson(t.id())).toList());
    return m;
  }

  private List<TestFile> readRun(List<String> skipped) throws IOException {
    List<TestFile> run = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (name.equals(SUMMARY_FILE)) {
          continue;
        }
        JsonNode json;
        try {
          json = Indenting.MAPPER.readTree(f.toFile());
        } catch (IOException e) {
          skipped.add(name + ": not readable JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
          continue;
        }
        if (json == null || !TEST_SCHEMA.equals(json.path("schema").asText())) {
          skipped.add(name + ": not a " + TEST_SCHEMA + " file");
          continue;
        }
        if (!belongsToRun(json)) {
          Files.deleteIfExists(f);
          continue;
        }
        run.add(new TestFile(name, json));
      }
    }
    run.sort(Comparator.comparing(t -> t.json().path("id").asText()));
    return run;
  }

  private boolean belongsToRun(JsonNode json) {
    if (runId.equals(json.path("runId").asText())) {
      return true;
    }
    try {
      return !Instant.parse(json.path("generatedAt").asText()).isBefore(runStart);
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private ObjectNode summary(List<TestFile> run) {
    ObjectNode s = Indenting.MAPPER.createObjectNode();
    s.put("schema", SUMMARY_SCHEMA);
    s.put("generatedAt", clock.instant().toString());
    s.put("runId", runId);
    ArrayNode tests = s.putArray("tests");
    ArrayNode targets = Indenting.MAPPER.createArrayNode();
    for (TestFile t : run) {
      ObjectNode o = tests.addObject();
      o.put("id", t.json().path("id").asText());
      o.set("displayName", t.json().get("displayName"));
      o.put("file", t.fileName());
      ArrayNode ms = o.putArray("measurements");
      for (JsonNode m : t.json().path("measurements")) {
        ObjectNode h = ms.addObject();
        h.set("kind", m.get("kind"));
        h.set("label", m.get("label"));
        h.set("headline", m.get("headline"));
      }
      for (JsonNode target : t.json().path("targets")) {
        targets.add(target);
      }
    }
    s.set("targets", targets);
    return s;
  }

  private static void writeAtomically(Path file, String content) throws IOException {
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
