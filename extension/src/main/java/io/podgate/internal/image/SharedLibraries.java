package io.podgate.internal.image;

import io.podgate.PodgateException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The shared-library closure of a host executable, as the dynamic loader resolves it ({@code ldd}). */
final class SharedLibraries {
  private static final Pattern ARROW = Pattern.compile("^\\s*(\\S+)\\s+=>\\s+(.*?)\\s*(\\(0x[0-9a-fA-F]+\\))?\\s*$");
  private static final Pattern DIRECT = Pattern.compile("^\\s*(/\\S+)\\s+\\(0x[0-9a-fA-F]+\\)\\s*$");

  private SharedLibraries() {}

  /** Absolute host paths of every library {@code binary} loads, loader included; empty for static binaries. */
  static List<Path> closure(Path binary) {
    Process process;
    try {
      process = new ProcessBuilder("ldd", binary.toString()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new PodgateException("cannot run 'ldd " + binary + "' to find its shared libraries: " + e.getMessage()
          + ". Install Debian package libc-bin.", e);
    }
    String output;
    int exit;
    try (InputStream in = process.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new PodgateException("'ldd " + binary + "' did not finish within 60 s");
      }
      exit = process.exitValue();
    } catch (IOException e) {
      throw new PodgateException("reading the output of 'ldd " + binary + "' failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new PodgateException("interrupted while running 'ldd " + binary + "'", e);
    }
    return parse(binary, output, exit);
  }

  static List<Path> parse(Path binary, String lddOutput, int exitCode) {
    if (lddOutput.contains("not a dynamic executable") || lddOutput.contains("statically linked")) {
      return List.of();
    }
    if (exitCode != 0) {
      throw new PodgateException("'ldd " + binary + "' failed (exit " + exitCode + "): " + lddOutput.strip());
    }
    Set<Path> libs = new LinkedHashSet<>();
    List<String> missing = new ArrayList<>();
    for (String line : lddOutput.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      Matcher arrow = ARROW.matcher(line);
      if (arrow.matches()) {
        String target = arrow.group(2).trim();
        if (target.equals("not found")) {
          missing.add(arrow.group(1));
        } else if (target.startsWith("/")) {
          libs.add(Path.of(target));
        }
        continue;
      }
      Matcher direct = DIRECT.matcher(line);
      if (direct.matches()) {
        libs.add(Path.of(direct.group(1)));
      }
    }
    if (!missing.isEmpty()) {
      throw new PodgateException("host binary " + binary + " needs shared libraries the host does not have: " + missing
          + "; install the packages that provide them");
    }
    return List.copyOf(libs);
  }
}
