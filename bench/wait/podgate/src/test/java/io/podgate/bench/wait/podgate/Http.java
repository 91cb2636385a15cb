package io.podgate.bench.wait.podgate;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** One GET that must answer 200 with podgate's nginx page. */
final class Http {
  private Http() {}

  static void get200(String host, int port) throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create("http://" + host + ":" + port + "/").toURL().openConnection();
    c.setConnectTimeout(5000);
    c.setReadTimeout(5000);
    try {
      int status = c.getResponseCode();
      String body;
      try (InputStream in = c.getInputStream()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (status != 200 || !body.equals("podgate nginx ok\n")) {
        throw new AssertionError("http://" + host + ":" + port + "/ answered " + status + " " + body);
      }
    } finally {
      c.disconnect();
    }
  }

  /**
   * Tells the bench's driver when the class's nginx first answered: a system property
   * {@code podgate.bench.wait.ready.<class>} holding the wall-clock time in microseconds since the epoch.
   */
  static void ready(Class<?> testClass) {
    java.time.Instant now = java.time.Instant.now();
    System.setProperty("podgate.bench.wait.ready." + testClass.getName(),
        Long.toString(now.getEpochSecond() * 1_000_000L + now.getNano() / 1000));
  }
}
