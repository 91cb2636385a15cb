package io.podgate.internal.host;

import io.podgate.PodgateException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts the helper JVMs that clean up after a JVM killed before its own cleanup ran (the session
 * watchdog, the topology janitor): this JVM's java and class path, a small heap, its own session
 * ({@code setsid}, so a signal to the test's process group does not reach it), stdin from /dev/null
 * and output appended to a log file. The helper outlives this JVM.
 */
public final class HelperJvm {
  private HelperJvm() {}

  /**
   * Starts {@code mainClass} with {@code args}.
   *
   * @param what names the helper in the error, e.g. "the podgate watchdog"
   * @param maxHeapMb the helper's -Xmx, in MiB
   * @param log file its stdout and stderr are appended to; its directory is created
   * @throws PodgateException when the JVM cannot be started
   */
  public static Process launch(String what, Class<?> mainClass, int maxHeapMb, List<String> args, Path log) {
    return launch(what, mainClass.getName(), maxHeapMb, true, args, log);
  }

  /**
   * As {@link #launch(String, Class, int, List, Path)} for a helper that runs long and works hard (the runtime
   * keeper relays calls): its JIT compiles fully instead of stopping at C1 for a quick start.
   */
  public static Process launchLongLived(String what, Class<?> mainClass, int maxHeapMb, List<String> args, Path log) {
    return launch(what, mainClass.getName(), maxHeapMb, false, args, log);
  }

  /** As {@link #launch(String, Class, int, List, Path)}, for a main class this module does not know (found on the class path). */
  public static Process launch(String what, String mainClass, int maxHeapMb, List<String> args, Path log) {
    return launch(what, mainClass, maxHeapMb, true, args, log);
  }

  private static Process launch(String what, String mainClass, int maxHeapMb, boolean quickStart, List<String> args,
      Path log) {
    List<String> cmd = command(mainClass, maxHeapMb, quickStart, args);
    try {
      Files.createDirectories(log.toAbsolutePath().getParent());
      return new ProcessBuilder(cmd)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .start();
    } catch (IOException e) {
      throw new PodgateException("cannot start " + what + " (" + String.join(" ", cmd.subList(0, 2)) + "): "
          + e.getMessage(), e);
    }
  }

  /** The command line {@link #launch} runs: [setsid] java -Xmx.. -cp <this JVM's class path> main args. */
  static List<String> command(Class<?> mainClass, int maxHeapMb, List<String> args) {
    return command(mainClass.getName(), maxHeapMb, true, args);
  }

  static List<String> command(String mainClass, int maxHeapMb, boolean quickStart, List<String> args) {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> cmd = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      cmd.add("/usr/bin/setsid");
    }
    cmd.addAll(List.of(java.toString(), "-Xmx" + maxHeapMb + "m", "-XX:+UseSerialGC"));
    if (quickStart) {
      cmd.add("-XX:TieredStopAtLevel=1");
    }
    cmd.addAll(List.of("-cp", JvmClasspath.current(), mainClass));
    cmd.addAll(args);
    return cmd;
  }
}
