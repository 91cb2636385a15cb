package io.podgate.internal.runtime;

import io.podgate.PodgateException;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.cri.v1.StatusResponse;
import io.podgate.internal.grpc.UnaryRelay;
import io.podgate.internal.host.GoneDaemonCleanup;
import io.podgate.internal.host.HostProcesses;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * An embedded containerd that outlives the JVM that started it and is reused by later JVMs, the way
 * Gradle reuses its daemon. It lives in one directory per bridge ({@code <workdir>/runtime-<bridge>},
 * 0700): {@code lock} (held while a JVM attaches or the daemon is stopped), {@code state} (daemon PID,
 * its start time, socket, bridge, subnet), {@code containerd/} (the daemon's base directory) and
 * {@code clients/} (one file {@code <pid>-<startMillis>} per attached JVM). A keeper process (see
 * {@code io.podgate.internal.watchdog.RuntimeKeeper}) removes the pods of JVMs that died and stops the
 * daemon, removing everything it made, once no JVM has been attached for the idle timeout. Each JVM
 * labels its pods with its own session, so no pod is shared between JVMs.
 */
public final class SharedContainerd {
  private static final String LOCK = "lock";
  private static final String STATE = "state";
  private static final String CLIENTS = "clients";
  private static final String LAST_DETACH = "last-detach";
  private static final String BASE = "containerd";
  private static final String SESSIONS = "sessions";
  private static final String OWNER = "owner";

  /** What the state file says about the running daemon. */
  public record State(long pid, long pidStartMillis, Path socket, String bridge, String subnet, boolean podgateHostPorts) {
    State(long pid, long pidStartMillis, Path socket, String bridge, String subnet) {
      this(pid, pidStartMillis, socket, bridge, subnet, false);
    }

    /** Whether that process still runs (and is the same process: its start time matches). */
    public boolean alive() {
      return HostProcesses.alive(pid) && ProcessHandle.of(pid).flatMap(p -> p.info().startInstant())
          .map(s -> pidStartMillis == 0 || Math.abs(s.toEpochMilli() - pidStartMillis) < 2000).orElse(true);
    }
  }

  /** This JVM's hold on the shared daemon; {@link #detach()} leaves the daemon running. */
  public static final class Attachment {
    private final Path dir;
    private final State state;
    private final CriClient cri;
    private final boolean started;
    private final Path clientFile;
    private boolean detached;

    private Attachment(Path dir, State state, CriClient cri, boolean started, Path clientFile) {
      this.dir = dir;
      this.state = state;
      this.cri = cri;
      this.started = started;
      this.clientFile = clientFile;
    }

    public Path dir() {
      return dir;
    }

    public State state() {
      return state;
    }

    /** A CRI client on the daemon, closed by {@link #detach()}. */
    public CriClient cri() {
      return cri;
    }

    /** Whether this JVM started the daemon (false: it was already running). */
    public boolean started() {
      return started;
    }

    public boolean alive() {
      return !detached && state.alive();
    }

    /** Closes the client and unregisters this JVM; the idle timeout starts when the last one is gone. */
    public synchronized void detach() {
      if (detached) {
        return;
      }
      detached = true;
      cri.close();
      try {
        Files.deleteIfExists(clientFile);
        Path last = dir.resolve(LAST_DETACH);
        if (Files.isDirectory(dir)) {
          Files.writeString(last, Instant.now().toString());
        }
      } catch (IOException e) {
        // the keeper counts a client file of a dead JVM as gone anyway
      }
    }

    @Override
    public String toString() {
      return "reused containerd pid " + state.pid() + " at " + state.socket() + " (bridge " + state.bridge()
          + ", pods " + state.subnet() + ")";
    }
  }

  /**
   * {@code false} makes a JVM attaching to a running reused runtime call containerd itself instead of
   * through its keeper ({@code UnaryRelay}); the default is {@code true}.
   */
  public static final String RELAY_PROPERTY = "podgate.runtime.relay";

  private SharedContainerd() {}

  static boolean relayed() {
    String v = System.getProperty(RELAY_PROPERTY, "true").strip();
    return switch (v) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new PodgateException(RELAY_PROPERTY + " = \"" + v + "\" must be true or false");
    };
  }

  /** The directory of the shared daemon on {@code bridge} under {@code workdir}. */
  public static Path directory(Path workdir, String bridge) {
    return workdir.toAbsolutePath().resolve("runtime-" + bridge);
  }

  /**
   * Attaches this JVM to the daemon in {@code dir}, starting one with {@code options} (its base
   * directory set to {@code dir/containerd}, outliving this JVM) when none runs there, or when the one
   * recorded died (its leftovers are removed first). Registers this JVM as a client under the lock, so
   * the keeper does not stop the daemon while this JVM uses it.
   *
   * @throws PodgateException when it runs with another subnet and is in use, or cannot be started
   */
  public static Attachment attach(Path dir, ContainerdOptions options, Consumer<String> log) {
    long pid = ProcessHandle.current().pid();
    long start = ProcessHandle.current().info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    return withLock(dir, () -> {
      Optional<State> recorded = readState(dir);
      if (recorded.isPresent()) {
        State s = recorded.get();
        boolean sameNetwork = s.subnet().equals(options.podSubnet().toString()) && s.bridge().equals(options.bridgeName());
        if (s.alive() && !sameNetwork) {
          if (!liveClients(dir).isEmpty()) {
            throw new PodgateException("the reused containerd on bridge " + s.bridge() + " (pid " + s.pid()
                + ") serves pod subnet " + s.subnet() + ", not " + options.podSubnet() + ", and other JVMs use it; use "
                + "another bridge (podgate.bridge) for that subnet, or " + RuntimeReuse.PROPERTY + "=false");
          }
        } else if (s.alive()) {
          CriClient cri = relayed() ? CriClient.connectThroughKeeper(dir.resolve(UnaryRelay.SOCKET), s.socket())
              : CriClient.connect(s.socket());
          if (ready(cri)) {
            return new Attachment(dir, s, cri, false, register(dir, pid, start));
          }
          cri.close();
          log.accept("the reused containerd pid " + s.pid() + " does not answer CRI; replacing it");
        }
        GoneDaemonCleanup.clean(s.socket(), s.pid(), dir.resolve(BASE), s.bridge(), s.subnet(), log);
        delete(dir.resolve(STATE));
      }
      ContainerdOptions shared = options.toBuilder().baseDir(dir.resolve(BASE)).outlivesJvm(true).build();
      EmbeddedContainerd daemon = EmbeddedContainerd.start(shared);
      State s = new State(daemon.pid(), ProcessHandle.of(daemon.pid()).flatMap(p -> p.info().startInstant())
          .map(Instant::toEpochMilli).orElse(0L), daemon.socket(), options.bridgeName(), options.podSubnet().toString(),
          shared.podgateHostPorts());
      try {
        writeState(dir, s);
        return new Attachment(dir, s, daemon.cri(), true, register(dir, pid, start));
      } catch (RuntimeException e) {
        daemon.close();
        throw e;
      }
    }).orElseThrow(() -> new PodgateException("could not take the lock of " + dir + ": it kept being replaced"));
  }

  /**
   * Runs {@code action} holding the lock of {@code dir}, made if absent; empty when the directory kept
   * being removed under us. A holder of a lock file deleted meanwhile (a keeper removed the directory)
   * tries again. The lock file is never opened a second time while locked: closing any descriptor of
   * it would drop this process's lock.
   */
  public static <T> Optional<T> withLock(Path dir, Supplier<T> action) {
    return withLock(dir, true, action);
  }

  /**
   * As {@link #withLock(Path, Supplier)}; with {@code create} false a directory that does not exist (or is
   * removed while this waits for its lock) is not made again: empty then. Stopping and cleaning up use
   * that, so one of them never brings back a runtime directory another just removed.
   */
  static <T> Optional<T> withLock(Path dir, boolean create, Supplier<T> action) {
    for (int attempt = 0; attempt < 10; attempt++) {
      if (!create && !Files.isDirectory(dir)) {
        return Optional.empty();
      }
      try {
        if (create) {
          io.podgate.internal.host.FileTrees.createDirectories(dir);
          Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
        Path lockFile = dir.resolve(LOCK);
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock ignored = ch.lock()) {
          if (!Files.exists(lockFile) || openDeleted(lockFile)) {
            continue;
          }
          return Optional.ofNullable(action.get());
        }
      } catch (NoSuchFileException gone) {
        // removed between creating and opening: again
      } catch (IOException e) {
        throw new PodgateException("cannot lock " + dir.resolve(LOCK) + ": " + e.getMessage(), e);
      }
    }
    return Optional.empty();
  }

  /** Whether this process holds {@code file} open although it was deleted (readlink of /proc/self/fd, no open). */
  private static boolean openDeleted(Path file) throws IOException {
    String deleted = file.toAbsolutePath() + " (deleted)";
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : fds.toList()) {
        try {
          if (Files.readSymbolicLink(fd).toString().equals(deleted)) {
            return true;
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    }
    return false;
  }

  /** The recorded daemon, if the state file exists and reads. */
  public static Optional<State> readState(Path dir) {
    try {
      Properties p = new Properties();
      p.load(new StringReader(Files.readString(dir.resolve(STATE))));
      return Optional.of(new State(Long.parseLong(p.getProperty("pid")), Long.parseLong(p.getProperty("pidStart")),
          Path.of(p.getProperty("socket")), p.getProperty("bridge"), p.getProperty("subnet"),
          // a daemon started by a podgate before this property existed runs portmap
          Boolean.parseBoolean(p.getProperty("podgateHostPorts", "false"))));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static void writeState(Path dir, State s) {
    Properties p = new Properties();
    p.setProperty("pid", Long.toString(s.pid()));
    p.setProperty("pidStart", Long.toString(s.pidStartMillis()));
    p.setProperty("socket", s.socket().toString());
    p.setProperty("bridge", s.bridge());
    p.setProperty("subnet", s.subnet());
    p.setProperty("podgateHostPorts", Boolean.toString(s.podgateHostPorts()));
    StringWriter w = new StringWriter();
    try {
      p.store(w, "podgate reused containerd");
      Path tmp = dir.resolve(STATE + ".tmp");
      Files.writeString(tmp, w.toString());
      Files.move(tmp, dir.resolve(STATE), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new PodgateException("cannot write " + dir.resolve(STATE) + ": " + e.getMessage(), e);
    }
  }

  private static Path register(Path dir, long pid, long start) {
    Path file = dir.resolve(CLIENTS).resolve(pid + "-" + start);
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, "");
    } catch (IOException e) {
      throw new PodgateException("cannot register this JVM in " + file.getParent() + ": " + e.getMessage(), e);
    }
    return file;
  }

  /**
   * Makes the directory of session {@code id} of this JVM, attached to the runtime in {@code dir}: under
   * it, so it goes with the runtime, and marked with its owner so the keeper removes it once that JVM is
   * gone (it is the JVM's watchdog).
   */
  public static Path sessionDirectory(Path dir, String id) {
    Path session = dir.resolve(SESSIONS).resolve(id);
    ProcessHandle self = ProcessHandle.current();
    try {
      io.podgate.internal.host.FileTrees.createDirectories(session);
      Files.writeString(session.resolve(OWNER), self.pid() + "-"
          + self.info().startInstant().map(Instant::toEpochMilli).orElse(0L));
    } catch (IOException e) {
      throw new PodgateException("cannot create session directory " + session + ": " + e.getMessage(), e);
    }
    return session;
  }

  /**
   * Session directories under {@code dir} whose JVM is gone (or that never got an owner and are older than
   * a minute): the keeper removes them.
   */
  public static List<Path> goneSessions(Path dir) {
    List<Path> gone = new ArrayList<>();
    try (Stream<Path> sessions = Files.list(dir.resolve(SESSIONS))) {
      for (Path s : sessions.toList()) {
        try {
          String[] owner = Files.readString(s.resolve(OWNER)).strip().split("-");
          if (!new State(Long.parseLong(owner[0]), Long.parseLong(owner[1]), Path.of("/"), "", "").alive()) {
            gone.add(s);
          }
        } catch (IOException | RuntimeException e) {
          try {
            if (Files.getLastModifiedTime(s).toInstant().isBefore(Instant.now().minusSeconds(60))) {
              gone.add(s);
            }
          } catch (IOException vanished) {
            // removed meanwhile
          }
        }
      }
    } catch (IOException e) {
      return List.of();
    }
    return gone;
  }

  /** PIDs of the JVMs attached now; files of JVMs that are gone are deleted. */
  public static List<Long> liveClients(Path dir) {
    List<Long> live = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir.resolve(CLIENTS))) {
      for (Path f : files.toList()) {
        String[] parts = f.getFileName().toString().split("-");
        long pid;
        long start;
        try {
          pid = Long.parseLong(parts[0]);
          start = Long.parseLong(parts[1]);
        } catch (RuntimeException e) {
          delete(f);
          continue;
        }
        if (new State(pid, start, Path.of("/"), "", "").alive()) {
          live.add(pid);
        } else {
          delete(f);
        }
      }
    } catch (IOException e) {
      // no clients directory: none
    }
    return live;
  }

  /** When the last JVM detached, if one did. */
  public static Optional<Instant> lastDetach(Path dir) {
    try {
      return Optional.of(Files.getLastModifiedTime(dir.resolve(LAST_DETACH)).toInstant());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Stops the daemon recorded in {@code dir} and removes everything it and this directory hold,
   * unless a JVM is attached (then nothing happens and false is returned). Holds the lock.
   */
  public static boolean stopIfUnused(Path dir, Consumer<String> log) {
    return withLock(dir, false, () -> {
      if (!liveClients(dir).isEmpty()) {
        return false;
      }
      Optional<State> s = readState(dir);
      if (s.isPresent()) {
        GoneDaemonCleanup.clean(s.get().socket(), s.get().pid(), dir.resolve(BASE), s.get().bridge(), s.get().subnet(), log);
      }
      io.podgate.internal.host.FileTrees.delete(dir);
      io.podgate.internal.host.FileTrees.deleteIfEmpty(dir.getParent()); // the work directory, when nothing else uses it
      return true;
    }).orElse(!Files.isDirectory(dir)); // gone meanwhile: stopped by another
  }

  /**
   * If the daemon recorded in {@code dir} is still {@code pid} and no longer runs, removes what it
   * left and the directory (JVMs still attached find their runtime gone and start a new one); returns
   * false when another daemon is recorded by now.
   */
  public static boolean removeIfDead(Path dir, long pid, Consumer<String> log) {
    return withLock(dir, false, () -> {
      Optional<State> s = readState(dir);
      if (s.isPresent() && (s.get().pid() != pid || s.get().alive())) {
        return false;
      }
      s.ifPresent(st -> GoneDaemonCleanup.clean(st.socket(), st.pid(), dir.resolve(BASE), st.bridge(), st.subnet(), log));
      io.podgate.internal.host.FileTrees.delete(dir);
      io.podgate.internal.host.FileTrees.deleteIfEmpty(dir.getParent());
      return true;
    }).orElse(true);
  }

  /** Lets the daemon of {@code dir} pull from {@code hostPort} over plain HTTP (read at each pull). */
  public static void insecureRegistry(Path dir, String hostPort) {
    ContainerdConfig.addInsecureRegistry(baseDir(dir), hostPort);
  }

  /** The daemon's base directory inside {@code dir}. */
  public static Path baseDir(Path dir) {
    return dir.resolve(BASE);
  }

  static boolean ready(CriClient cri) {
    try {
      StatusResponse status = cri.withDeadline(Duration.ofSeconds(2)).status();
      return CriClient.conditionMet(status, "RuntimeReady") && CriClient.conditionMet(status, "NetworkReady");
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static void delete(Path f) {
    try {
      Files.deleteIfExists(f);
    } catch (IOException e) {
      // stays; read again next time
    }
  }
}
