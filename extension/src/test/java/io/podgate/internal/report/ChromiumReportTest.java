package io.podgate.internal.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Opens a report with every kind of measurement in headless Chromium and checks what it renders. */
class ChromiumReportTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final int CHARTS = 7;

  private Path out;
  private Path profile;

  @BeforeEach
  void setUp() throws IOException {
    assumeTrue(Files.isExecutable(CHROMIUM), "Chromium is not installed at " + CHROMIUM);
    out = Path.of("target", "podgate-chromium-test").toAbsolutePath();
    deleteTree(out);
    Files.createDirectories(out);
    profile = Files.createTempDirectory("podgate-chromium-profile");
  }

  @AfterEach
  void tearDown() throws IOException {
    deleteTree(profile);
  }

  @Test
  void reportRendersEveryChartWithoutConsoleErrors() throws Exception {
    Path index = HtmlReportTest.writeEveryKind(out.resolve("report"), "Chromium#every " + HtmlReportTest.HOSTILE,
        "every kind " + HtmlReportTest.HOSTILE, "sample " + HtmlReportTest.HOSTILE);

    Run dump = chromium("dump", "--dump-dom", index.toUri().toString());

    assertThat(dump.exit).as("chromium --dump-dom exit code; stderr:%n%s", dump.stderr).isZero();
    assertNoPageErrors(dump.stderr);
    Matcher status = Pattern.compile("<p id=\"podgate-status\"[^>]*>").matcher(dump.stdout);
    assertThat(status.find()).as("status element in the dumped DOM").isTrue();
    String tag = status.group();
    assertThat(tag).as("the page's own check ran and found every chart drawn: %s", tag)
        .contains("data-state=\"ok\"", "data-charts=\"" + CHARTS + "\"", "data-drawn=\"" + CHARTS + "\"",
            "data-errors=\"0\"");
    List<String> svgs = svgs(dump.stdout);
    assertThat(svgs).hasSize(CHARTS);
    for (String svg : svgs) {
      assertThat(svg).as("drawn marks in %s", svg.substring(0, 80)).containsPattern(
          "<g class=\"data\"[^>]*>[\\s\\S]*?<(path|rect|circle) ");
    }
    assertThat(dump.stdout).as("injected markup stays text").doesNotContain("<img", "<script>alert");

    Path png = out.resolve("report.png");
    Run shot = chromium("shot", "--screenshot=" + png, "--window-size=1280,4200", "--hide-scrollbars",
        index.toUri().toString());

    assertThat(shot.exit).as("chromium --screenshot exit code; stderr:%n%s", shot.stderr).isZero();
    assertNoPageErrors(shot.stderr);
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image).as("screenshot %s", png).isNotNull();
    assertThat(pixelsNear(image, 0x1f6fd1)).as("pixels in the subject colour (lines, bars)").isGreaterThan(2000);
    assertThat(pixelsNear(image, 0xd1571f)).as("pixels in the accent colour (p99, dots)").isGreaterThan(200);
  }

  private record Run(int exit, String stdout, String stderr) {}

  private Run chromium(String name, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0"));
    cmd.addAll(List.of(args));
    Path stdout = out.resolve(name + ".stdout");
    Path stderr = out.resolve(name + ".stderr");
    Process p = new ProcessBuilder(cmd).directory(out.toFile()).redirectOutput(stdout.toFile())
        .redirectError(stderr.toFile()).start();
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        throw new AssertionError("chromium " + name + " did not finish within 120 s: " + cmd);
      }
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    return new Run(p.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
        Files.readString(stderr, StandardCharsets.UTF_8));
  }

  /** Console messages, uncaught exceptions and CSP refusals all reach stderr with --enable-logging. */
  private static void assertNoPageErrors(String stderr) {
    assertThat(stderr.lines().filter(l -> l.contains("CONSOLE") || l.contains("Uncaught")
        || l.contains("Refused to") || l.contains("Content Security Policy")))
        .as("console/script/CSP lines in chromium's stderr").isEmpty();
  }

  private static List<String> svgs(String dom) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("<svg\\b[\\s\\S]*?</svg>").matcher(dom);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  private static long pixelsNear(BufferedImage img, int rgb) {
    long n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int p = img.getRGB(x, y);
        if (Math.abs(((p >> 16) & 0xff) - ((rgb >> 16) & 0xff)) < 24 && Math.abs(((p >> 8) & 0xff) - ((rgb >> 8) & 0xff)) < 24
            && Math.abs((p & 0xff) - (rgb & 0xff)) < 24) {
          n++;
        }
      }
    }
    return n;
  }

  private static void deleteTree(Path root) throws IOException {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
