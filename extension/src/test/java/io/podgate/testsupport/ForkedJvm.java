package io.podgate.testsupport;

import io.podgate.internal.host.JvmClasspath;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A JVM forked on this test JVM's class path, for kill -9 tests; its output is read line by line. */
public final class ForkedJvm implements AutoCloseable {
  private static final String END = "\0end";
  private final Process process;
  private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final StringBuilder output = new StringBuilder();

  private ForkedJvm(Process process) {
    this.process = process;
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l; (l = in.readLine()) != null; ) {
          lines.add(l);
        }
      } catch (IOException ended) {
        // the JVM is gone
      }
      lines.add(END);
    }, "forked-jvm-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code main} with {@code args}; {@code jvmOptions} come first, then podgate's bridge, subnet,
   * work dir, image cache and runtime reuse properties of this JVM (the fork uses this test run's network).
   */
  public static ForkedJvm start(List<String> jvmOptions, Class<?> main, List<String> args) throws IOException {
    return start(java.util.Map.of(), jvmOptions, main, args);
  }

  /** {@link #start(List, Class, List)} with {@code env} added to this JVM's environment. */
  public static ForkedJvm start(java.util.Map<String, String> env, List<String> jvmOptions, Class<?> main,
      List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", JvmClasspath.current()));
    cmd.addAll(jvmOptions);
    for (String p : List.of("podgate.bridge", "podgate.subnet", "podgate.workdir", "podgate.imageCache",
        "podgate.runtime.reuse")) {
      if (System.getProperty(p) != null && jvmOptions.stream().noneMatch(o -> o.startsWith("-D" + p + "="))) {
        cmd.add("-D" + p + "=" + System.getProperty(p));
      }
    }
    cmd.add(main.getName());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    return new ForkedJvm(pb.start());
  }

  /** The first line (from here on) {@code wanted} accepts; fails with the output so far if the JVM ends first or time runs out. */
  public String awaitLine(Predicate<String> wanted, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String l = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (l == null || l.equals(END)) {
        throw new AssertionError((l == null ? "no awaited line within " + timeout : "the forked JVM ended")
            + "; its output:\n" + output());
      }
      synchronized (output) {
        output.append(l).append('\n');
      }
      if (wanted.test(l)) {
        return l;
      }
    }
  }

  /** What was read so far. */
  public String output() {
    synchronized (output) {
      return output.toString();
    }
  }

  /** Sends {@code line} to the JVM's standard input. */
  public void send(String line) throws IOException {
    process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().flush();
  }

  public Process process() {
    return process;
  }

  /** SIGKILL, and wait until the JVM is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new AssertionError("the forked JVM did not end within 10 s of SIGKILL");
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
