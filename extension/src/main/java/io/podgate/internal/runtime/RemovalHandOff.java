package io.podgate.internal.runtime;

import io.podgate.PodgateException;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Pod removals a JVM on a reused runtime hands to the runtime's keeper, so the run does not wait for
 * them: one file per pod sandbox in {@code <runtime dir>/handoff}, {@code <sandbox id>.request} until the
 * keeper has removed it, {@code <sandbox id>.failed} (with the runtime's words) when it could not. The
 * JVM that handed a pod off reports failures that came while it ran; a later run reports those of
 * sessions that ended before.
 */
public final class RemovalHandOff {
  static final String DIR = "handoff";
  private static final String REQUEST = ".request";
  private static final String FAILED = ".failed";

  /** One pod to remove: its sandbox, the session and JVM that made it, and where it was declared. */
  public record Request(String sandboxId, String session, long ownerPid, String pod, String origin) {}

  /** A removal the keeper could not do, with its reason. */
  public record Failure(Request request, String message) {
    /** One sentence for a report. */
    public String describe() {
      return "removing pod '" + request.pod() + "' (" + request.origin() + "), handed to the runtime keeper, failed: "
          + message;
    }
  }

  private final Path dir;
  private final String session;
  private final BooleanSupplier keeperRunning;
  private final Set<String> submitted = ConcurrentHashMap.newKeySet();

  /**
   * The hand-off of {@code session} to the keeper of the runtime in {@code runtimeDir}; {@code keeperRunning}
   * says whether a keeper runs there now.
   */
  public RemovalHandOff(Path runtimeDir, String session, BooleanSupplier keeperRunning) {
    this.dir = directory(runtimeDir);
    this.session = session;
    this.keeperRunning = keeperRunning;
  }

  /**
   * Whether a keeper takes requests now: it runs and made the request directory (a keeper of an older
   * podgate does neither).
   */
  public boolean accepting() {
    return Files.isDirectory(dir) && keeperRunning.getAsBoolean();
  }

  /** Where the requests of the runtime in {@code runtimeDir} are written. */
  public static Path directory(Path runtimeDir) {
    return runtimeDir.resolve(DIR);
  }

  /** Asks the keeper to remove the pod; its removal is no longer this JVM's. Throws a PodgateException when the request cannot be written. */
  public void submit(String sandboxId, String pod, String origin) {
    Request r = new Request(sandboxId, session, ProcessHandle.current().pid(), pod, origin);
    try {
      writeAtomically(dir.resolve(sandboxId + REQUEST), properties(r));
    } catch (IOException e) {
      throw new PodgateException("cannot hand the removal of pod '" + pod + "' to the runtime keeper (" + dir + "): "
          + e.getMessage(), e);
    }
    submitted.add(sandboxId);
  }

  /** Whether this session handed that sandbox to the keeper. */
  public boolean handedOff(String sandboxId) {
    return submitted.contains(sandboxId);
  }

  /** Failures of this session's hand-offs so far; each is reported once (its file is removed). */
  public List<Failure> takeFailures() {
    List<Failure> mine = new ArrayList<>();
    for (Failure f : failures(dir.getParent())) {
      if (f.request().session().equals(session)) {
        mine.add(f);
        forget(dir.getParent(), f);
      }
    }
    return mine;
  }

  /** Requests waiting in the runtime of {@code runtimeDir}, oldest first. */
  public static List<Request> pending(Path runtimeDir) {
    List<Request> out = new ArrayList<>();
    for (Path f : files(directory(runtimeDir), REQUEST)) {
      read(f).ifPresent(p -> out.add(request(p)));
    }
    return out;
  }

  /** The keeper removed it (or it was gone already). */
  public static void done(Path runtimeDir, Request r) {
    delete(directory(runtimeDir).resolve(r.sandboxId() + REQUEST));
  }

  /** The keeper could not remove it: recorded for the run that handed it off, or the next one. */
  public static void failed(Path runtimeDir, Request r, String message) {
    Properties p = properties(r);
    p.setProperty("message", message);
    try {
      writeAtomically(directory(runtimeDir).resolve(r.sandboxId() + FAILED), p);
    } catch (IOException e) {
      // the keeper's log says it as well
    }
    done(runtimeDir, r);
  }

  /** Every recorded failure in the runtime of {@code runtimeDir}. */
  public static List<Failure> failures(Path runtimeDir) {
    List<Failure> out = new ArrayList<>();
    for (Path f : files(directory(runtimeDir), FAILED)) {
      read(f).ifPresent(p -> out.add(new Failure(request(p), p.getProperty("message", "(no reason recorded)"))));
    }
    return out;
  }

  /** Drops a failure once reported. */
  public static void forget(Path runtimeDir, Failure f) {
    delete(directory(runtimeDir).resolve(f.request().sandboxId() + FAILED));
  }

  private static Properties properties(Request r) {
    Properties p = new Properties();
    p.setProperty("sandbox", r.sandboxId());
    p.setProperty("session", r.session());
    p.setProperty("owner", Long.toString(r.ownerPid()));
    p.setProperty("pod", r.pod());
    p.setProperty("origin", r.origin());
    return p;
  }

  private static Request request(Properties p) {
    long owner;
    try {
      owner = Long.parseLong(p.getProperty("owner", "0"));
    } catch (NumberFormatException e) {
      owner = 0;
    }
    return new Request(p.getProperty("sandbox", ""), p.getProperty("session", ""), owner, p.getProperty("pod", ""),
        p.getProperty("origin", ""));
  }

  private static void writeAtomically(Path target, Properties p) throws IOException {
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      p.store(w, null);
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static java.util.Optional<Properties> read(Path f) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
      p.load(r);
      return java.util.Optional.of(p);
    } catch (IOException | IllegalArgumentException e) {
      return java.util.Optional.empty(); // taken meanwhile, or half a file from a crash: not a request
    }
  }

  private static List<Path> files(Path dir, String suffix) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted((a, b) -> {
        try {
          return Files.getLastModifiedTime(a).compareTo(Files.getLastModifiedTime(b));
        } catch (IOException e) {
          return 0;
        }
      }).toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static void delete(Path f) {
    try {
      Files.deleteIfExists(f);
    } catch (IOException e) {
      // the keeper takes it again; removing a removed pod finds it gone
    }
  }
}
