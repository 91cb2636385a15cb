package io.podgate.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs a benchmark's sections one after the other: each is announced, a failing one is printed with
 * {@code !!} and its cause chain and recorded by name, and the next still runs. The seed and cluster
 * benchmarks share it.
 */
final class Sections {
  /** A section's body; may throw anything. */
  interface Body<T> {
    T run() throws Exception;
  }

  /** A section's body with no value. */
  interface VoidBody {
    void run() throws Exception;
  }

  private final BenchProgress log;
  private final List<String> failed = new ArrayList<>();
  private int count;

  Sections(BenchProgress log) {
    this.log = log;
  }

  void run(String name, VoidBody body) {
    run(name, () -> {
      body.run();
      return null;
    });
  }

  /** Runs one section; on failure prints it and returns null (its targets are then added without a value). */
  <T> T run(String name, Body<T> body) {
    count++;
    log.step(name);
    try {
      return body.run();
    } catch (Exception | AssertionError e) {
      failed(name, "!! " + name + " FAILED: " + e.getMessage(), e);
      return null;
    } finally {
      log.endStep();
    }
  }

  /** A part of a section failed: said, recorded, and the section goes on. */
  void partFailed(String part, String what, RuntimeException e) {
    failed.add(part);
    log.line("!! " + what + " FAILED: " + e.getMessage());
  }

  /** The run could not start or finish its setup: recorded as section "setup", {@code message} and causes printed. */
  void setupFailed(String message, RuntimeException e) {
    failed("setup", message, e);
  }

  private void failed(String name, String message, Throwable e) {
    failed.add(name);
    log.line(message);
    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
      log.line("   caused by: " + c);
    }
  }

  /** Names of the sections (and parts) that failed, in order. */
  List<String> failed() {
    return List.copyOf(failed);
  }

  /** How many sections were started. */
  int count() {
    return count;
  }
}
