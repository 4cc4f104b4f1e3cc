package dev.notifier.streams;

import dev.notifier.schemas.AvroLimits;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Installs the Avro reader limits before any test touches Avro, as the {@code notifier} entry
 * point does before anything else: Avro reads them once, when its limit class initialises.
 */
public final class AvroLimitsSession implements LauncherSessionListener {

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    AvroLimits.install();
  }
}
