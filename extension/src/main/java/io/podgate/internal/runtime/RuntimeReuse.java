package io.podgate.internal.runtime;

import io.podgate.PodgateException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Whether the embedded containerd outlives the test JVM to be reused by the next run, and for how
 * long it may sit idle. Decided in this order: system property {@code podgate.runtime.reuse}, then
 * environment {@code PODGATE_RUNTIME_REUSE} ({@code true} or {@code false}); else off when the
 * environment variable {@code CI} is set (and not {@code false}), on otherwise.
 *
 * @param enabled whether to reuse
 * @param why what decided it, for messages
 * @param idleTimeout how long the runtime lives with no JVM attached ({@code podgate.runtime.idleTimeout}, seconds)
 */
public record RuntimeReuse(boolean enabled, String why, Duration idleTimeout) {
  public static final String PROPERTY = "podgate.runtime.reuse";
  public static final String ENV = "PODGATE_RUNTIME_REUSE";
  public static final String IDLE_PROPERTY = "podgate.runtime.idleTimeout";
  public static final Duration DEFAULT_IDLE = Duration.ofMinutes(15);

  /** The decision for this JVM. */
  public static RuntimeReuse current() {
    return decide(System::getProperty, System.getenv());
  }

  /** The decision for these properties and this environment; a bad value throws naming it. */
  public static RuntimeReuse decide(UnaryOperator<String> properties, Map<String, String> env) {
    Duration idle = idle(properties.apply(IDLE_PROPERTY));
    String property = properties.apply(PROPERTY);
    if (property != null) {
      return new RuntimeReuse(flag(property, "system property " + PROPERTY), "system property " + PROPERTY + "="
          + property.strip(), idle);
    }
    String fromEnv = env.get(ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return new RuntimeReuse(flag(fromEnv, "environment variable " + ENV), "environment " + ENV + "=" + fromEnv.strip(),
          idle);
    }
    String ci = env.get("CI");
    if (ci != null && !ci.isBlank() && !ci.strip().equalsIgnoreCase("false")) {
      return new RuntimeReuse(false, "environment CI=" + ci.strip() + " (set " + PROPERTY + "=true to reuse in CI)", idle);
    }
    return new RuntimeReuse(true, "default outside CI (" + PROPERTY + "=false turns it off)", idle);
  }

  private static boolean flag(String value, String where) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new PodgateException(where + " = \"" + value + "\" must be true or false");
    };
  }

  private static Duration idle(String value) {
    if (value == null || value.isBlank()) {
      return DEFAULT_IDLE;
    }
    try {
      long seconds = Long.parseLong(value.strip());
      if (seconds >= 1) {
        return Duration.ofSeconds(seconds);
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new PodgateException("system property " + IDLE_PROPERTY + " = \"" + value
        + "\" must be a whole number of seconds, at least 1 (default " + DEFAULT_IDLE.toSeconds() + ")");
  }
}
