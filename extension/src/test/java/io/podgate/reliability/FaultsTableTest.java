package io.podgate.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** The README's fault table lists every test of this package, so the table stays true. */
class FaultsTableTest {
  @Test
  void tableListsEveryReliabilityTest() throws IOException, URISyntaxException, ClassNotFoundException {
    Path root = Path.of(System.getProperty("user.dir")).getParent();
    String table = Files.readString(root.resolve("README.md"));
    Path classes = Path.of(FaultsTableTest.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .resolve("io/podgate/reliability");
    List<String> tests = new ArrayList<>();
    try (Stream<Path> files = Files.list(classes)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        if (!name.endsWith("Test.class") || name.contains("$") || name.equals("FaultsTableTest.class")) {
          continue;
        }
        Class<?> type = Class.forName("io.podgate.reliability." + name.replace(".class", ""));
        for (Method m : type.getDeclaredMethods()) {
          if (m.isAnnotationPresent(Test.class) || m.isAnnotationPresent(RepeatedTest.class)) {
            tests.add(type.getSimpleName() + "." + m.getName());
          }
        }
      }
    }
    assertThat(tests).as("reliability tests found").hasSizeGreaterThan(10);
    assertThat(tests).allSatisfy(t -> assertThat(table).as("README fault table row for %s", t).contains("`" + t + "`"));
    assertThat(Arrays.stream(table.split("\n")).filter(l -> l.startsWith("| ") && l.contains("Test.")).count())
        .as("rows naming a test").isGreaterThanOrEqualTo(tests.size());
  }
}
