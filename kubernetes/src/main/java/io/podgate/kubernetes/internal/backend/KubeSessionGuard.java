package io.podgate.kubernetes.internal.backend;

import io.podgate.PodgateException;
import io.podgate.internal.host.FileTrees;
import io.podgate.internal.host.HostRestoreManifest;
import io.podgate.internal.pod.PodgateSession;
import io.podgate.internal.watchdog.Watchdog;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * What removes a {@code kubernetes} backend session's namespaces when its JVM is killed: a session directory
 * {@code <podgate.workdir>/session-<id>} holding {@value #FILE} (kubeconfig path, context, session id; no
 * credentials) and a host-restore manifest whose {@code helper} entry is {@link KubeSessionReaper}, watched by
 * podgate's out-of-JVM {@link Watchdog}. Closing it stops the watchdog and deletes the directory.
 */
final class KubeSessionGuard implements AutoCloseable {
  static final String FILE = "kube-session.properties";

  private final Path dir;
  private final Process watchdog;

  private KubeSessionGuard(Path dir, Process watchdog) {
    this.dir = dir;
    this.watchdog = watchdog;
  }

  /** Writes the session directory and starts the watchdog on it; nothing is left when it fails. */
  static KubeSessionGuard start(String sessionId, Path kubeconfig, Optional<String> context) {
    Path workdir = Path.of(System.getProperty(PodgateSession.WORKDIR_PROPERTY,
        Path.of(System.getProperty("java.io.tmpdir"), "podgate").toString()));
    Path dir = workdir.toAbsolutePath().resolve("session-" + sessionId);
    try {
      Files.createDirectories(dir);
      Properties p = new Properties();
      p.setProperty("kubeconfig", kubeconfig.toAbsolutePath().toString());
      context.ifPresent(c -> p.setProperty("context", c));
      p.setProperty("session", sessionId);
      try (Writer w = Files.newBufferedWriter(dir.resolve(FILE))) {
        p.store(w, "what podgate's watchdog needs to delete this session's namespaces");
      }
      HostRestoreManifest m = HostRestoreManifest.create(dir);
      m.add("helper", KubeSessionReaper.class.getName(), dir.toString());
      m.add("dir", dir.toString());
      ProcessHandle self = ProcessHandle.current();
      Process watchdog = Watchdog.spawn(new Watchdog.Args(self.pid(), HostRestoreManifest.startMillis(self), null,
          sessionId, dir, 0, "", ""));
      return new KubeSessionGuard(dir, watchdog);
    } catch (IOException | RuntimeException e) {
      FileTrees.delete(dir);
      throw new PodgateException("the kubernetes backend could not set up its crash cleanup in " + dir + " ("
          + PodgateSession.WORKDIR_PROPERTY + "): " + e.getMessage(), e);
    }
  }

  Path dir() {
    return dir;
  }

  long watchdogPid() {
    return watchdog.pid();
  }

  /** Stops the watchdog (the session ended in order) and deletes the directory. */
  @Override
  public void close() {
    watchdog.destroy();
    try {
      if (!watchdog.waitFor(5, TimeUnit.SECONDS)) {
        watchdog.destroyForcibly();
      }
    } catch (InterruptedException e) {
      watchdog.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    FileTrees.delete(dir);
  }
}
