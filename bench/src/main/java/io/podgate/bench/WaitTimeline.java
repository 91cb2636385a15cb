package io.podgate.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one {@link WaitDriver} run saw, read back from its file: one line per event,
 * {@code kind TAB subject TAB micros [TAB text]}, times in wall-clock microseconds since the epoch.
 * Subjects are class names, {@code class#method} for tests, empty for the plan.
 */
final class WaitTimeline {
  static final String PLAN_START = "planStart";
  static final String PLAN_END = "planEnd";
  static final String RETURNED = "launcherReturned";
  static final String ENGINE_END = "engineEnd";
  static final String CLASS_START = "classStart";
  static final String CLASS_END = "classEnd";
  static final String TEST_START = "testStart";
  static final String TEST_END = "testEnd";
  static final String READY = "ready";
  static final String ENTRY = "entry";
  static final String FAILURE = "failure";
  static final String CPU_AT_CLASS_START = "cpuAtClassStart";
  static final String CPU_AT_CLASS_END = "cpuAtClassEnd";

  /** A podgate report entry ({@code podgate.pod.*}) and when it was published. */
  record Entry(String owner, long micros, Map<String, String> values) {
    Optional<Long> millis(String key) {
      String v = values.get(key);
      if (v == null) {
        return Optional.empty();
      }
      try {
        return Optional.of(Long.parseLong(v.trim()));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
  }

  /** One test method's start and end. */
  record Test(String name, long startMicros, long endMicros) {
    double millis() {
      return (endMicros - startMicros) / 1000.0;
    }
  }

  private final Map<String, Long> single = new LinkedHashMap<>();
  private final Map<String, Long> classStart = new LinkedHashMap<>();
  private final Map<String, Long> classEnd = new LinkedHashMap<>();
  private final Map<String, Long> ready = new LinkedHashMap<>();
  private final Map<String, Long> testStart = new LinkedHashMap<>();
  private final List<Test> tests = new ArrayList<>();
  private final List<Entry> entries = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();
  private final Map<String, CpuSnapshot> cpuStart = new LinkedHashMap<>();
  private final Map<String, CpuSnapshot> cpuEnd = new LinkedHashMap<>();

  private WaitTimeline() {}

  /** Parses a driver's file; a line that is not one of its kinds is a bad file and throws, naming the line. */
  static WaitTimeline parse(List<String> lines) {
    WaitTimeline t = new WaitTimeline();
    int n = 0;
    for (String line : lines) {
      n++;
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t", 4);
      if (f.length < 3) {
        throw new IllegalArgumentException("wait timeline line " + n + " has fewer than 3 fields: " + line);
      }
      long micros;
      try {
        micros = Long.parseLong(f[2]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("wait timeline line " + n + ": time '" + f[2] + "' is not a number", e);
      }
      String subject = f[1];
      String text = f.length > 3 ? f[3] : "";
      switch (f[0]) {
        case PLAN_START, PLAN_END, RETURNED, ENGINE_END -> t.single.putIfAbsent(f[0], micros);
        case CLASS_START -> t.classStart.put(subject, micros);
        case CLASS_END -> t.classEnd.put(subject, micros);
        case READY -> t.ready.put(subject, micros);
        case TEST_START -> t.testStart.put(subject, micros);
        case TEST_END -> {
          Long s = t.testStart.get(subject);
          if (s == null) {
            throw new IllegalArgumentException("wait timeline line " + n + ": test " + subject + " ended but never started");
          }
          t.tests.add(new Test(subject, s, micros));
        }
        case ENTRY -> {
          Map<String, String> kv = new LinkedHashMap<>();
          for (String pair : text.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
              kv.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
          }
          t.entries.add(new Entry(subject, micros, kv));
        }
        case FAILURE -> t.failures.add(subject + " " + text);
        case CPU_AT_CLASS_START, CPU_AT_CLASS_END -> {
          CpuSnapshot cpu;
          try {
            cpu = CpuSnapshot.parse(text);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("wait timeline line " + n + ": CPU figures '" + text + "' are not numbers", e);
          }
          (f[0].equals(CPU_AT_CLASS_START) ? t.cpuStart : t.cpuEnd).put(subject, cpu);
        }
        default -> throw new IllegalArgumentException("wait timeline line " + n + ": unknown kind '" + f[0] + "'");
      }
    }
    return t;
  }

  long planStart() {
    return required(PLAN_START);
  }

  long planEnd() {
    return required(PLAN_END);
  }

  long engineEnd() {
    return required(ENGINE_END);
  }

  long launcherReturned() {
    return required(RETURNED);
  }

  long classStart(String className) {
    return required(classStart, className, "start of class");
  }

  long classEnd(String className) {
    return required(classEnd, className, "end of class");
  }

  long ready(String className) {
    return required(ready, className, "readiness (system property " + WaitDriver.READY_PROPERTY_PREFIX + className + ")");
  }

  /** The class's tests in the order they ended. */
  List<Test> tests(String className) {
    return tests.stream().filter(x -> x.name().startsWith(className + "#")).toList();
  }

  /** podgate's pod entries published for the class or its methods, in order. */
  List<Entry> entries(String className) {
    return entries.stream().filter(e -> e.owner().equals(className) || e.owner().startsWith(className + "#")).toList();
  }

  /** The CPU used between the class's start and end, when the driver was asked to record it ({@code --cpu}). */
  Optional<CpuSnapshot> cpu(String className) {
    CpuSnapshot start = cpuStart.get(className);
    CpuSnapshot end = cpuEnd.get(className);
    return start == null || end == null ? Optional.empty() : Optional.of(end.minus(start));
  }

  List<String> failures() {
    return List.copyOf(failures);
  }

  private long required(String key) {
    Long v = single.get(key);
    if (v == null) {
      throw new IllegalStateException("the wait driver recorded no '" + key + "'");
    }
    return v;
  }

  private static long required(Map<String, Long> m, String key, String what) {
    Long v = m.get(key);
    if (v == null) {
      throw new IllegalStateException("the wait driver recorded no " + what + " " + key);
    }
    return v;
  }
}
