package io.podgate.bench;

import io.podgate.internal.host.HostCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The churn peer in the same run: W workers each running {@code ctr run --rm <image> <id> /bin/true}
 * (containerd's own CLI, shipped with it) in a loop, as containerd-stress does through containerd's
 * client API: create, start, wait for exit, delete. It skips CRI (no sandbox, no CNI) but pays a CLI
 * process per container. Everything it made is removed before it returns.
 */
final class CtrRunChurn {
  static final String NAMESPACE = "k8s.io";

  record Result(int workers, long containers, long failures, Duration elapsed, List<String> failureMessages) {
    double containersPerSecond() {
      return containers / (elapsed.toNanos() / 1e9);
    }

    String summary() {
      return String.format(Locale.ROOT, "ctr run --rm, %d worker(s): %d containers in %.1f s = %.2f/s, %d failure(s)",
          workers, containers, elapsed.toMillis() / 1000.0, containersPerSecond(), failures);
    }
  }

  private CtrRunChurn() {}

  static Result run(Path socket, String image, int workers, Duration duration) {
    String prefix = "podgate-ctr-churn-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    List<String> messages = java.util.Collections.synchronizedList(new ArrayList<>());
    long start = System.nanoTime();
    long deadline = start + duration.toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      int worker = w;
      Thread t = new Thread(() -> {
        for (long n = 0; System.nanoTime() < deadline && !Thread.currentThread().isInterrupted(); n++) {
          String id = prefix + worker + "-" + n;
          String error;
          try {
            HostCommand.Result r = ctr(socket, List.of("run", "--rm", "--null-io", image, id, "/bin/true"));
            error = r.ok() ? null : "exit " + r.exitCode() + ": " + r.output().strip();
          } catch (RuntimeException e) {
            error = e.getMessage();
          }
          if (error == null) {
            done.incrementAndGet();
          } else {
            failed.incrementAndGet();
            if (messages.size() < 5) {
              messages.add(id + ": " + error);
            }
          }
        }
      }, "podgate-ctr-churn-" + w);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    try {
      for (Thread t : threads) {
        t.join();
      }
    } catch (InterruptedException e) {
      threads.forEach(Thread::interrupt);
      Thread.currentThread().interrupt();
    } finally {
      removeLeftovers(socket, prefix);
    }
    return new Result(workers, done.get(), failed.get(), Duration.ofNanos(System.nanoTime() - start), List.copyOf(messages));
  }

  /** Containers (and their tasks) of this run that a failed or interrupted {@code ctr run --rm} left. */
  private static void removeLeftovers(Path socket, String prefix) {
    String listed = ctr(socket, List.of("containers", "list", "-q")).output();
    for (String id : listed.lines().map(String::strip).filter(l -> l.startsWith(prefix)).toList()) {
      ctr(socket, List.of("task", "kill", "-s", "SIGKILL", id));
      ctr(socket, List.of("task", "delete", "-f", id));
      ctr(socket, List.of("containers", "delete", id));
    }
  }

  private static HostCommand.Result ctr(Path socket, List<String> args) {
    List<String> command = new ArrayList<>(List.of(CliClientOverhead.CTR.toString(), "--address", socket.toString(),
        "--namespace", NAMESPACE));
    command.addAll(args);
    return HostCommand.run(command, null, Duration.ofSeconds(60));
  }
}
