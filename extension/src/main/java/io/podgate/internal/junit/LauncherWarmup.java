package io.podgate.internal.junit;

import io.podgate.internal.pod.Warmup;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Registered with the JUnit Platform launcher (META-INF/services): when a launcher session opens,
 * before tests are discovered, starts {@link Warmup} in the background. {@code podgate.warmup=false}
 * turns it off. Nothing is created; the runtime still starts at the first podgate test.
 */
public final class LauncherWarmup implements LauncherSessionListener {
  @Override
  public void launcherSessionOpened(LauncherSession session) {
    if (!"false".equals(System.getProperty("podgate.warmup"))) {
      Warmup.startInBackground();
    }
  }
}
