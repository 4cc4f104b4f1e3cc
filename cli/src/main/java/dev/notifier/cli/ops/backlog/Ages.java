package dev.notifier.cli.ops.backlog;

import java.time.Duration;

/** How long something has waited, as a person says it: {@code 41 s}, {@code 3 min 12 s}, {@code 2 h 5 min}, {@code 3 d 4 h}. */
public final class Ages {

  private Ages() {
  }

  public static String of(Duration age) {
    if (age.isNegative()) {
      return "0 s";
    }
    long s = age.toSeconds();
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return age.toMinutesPart() + " min " + age.toSecondsPart() + " s";
    }
    if (s < 86_400) {
      return age.toHoursPart() + " h " + age.toMinutesPart() + " min";
    }
    return age.toDaysPart() + " d " + age.toHoursPart() + " h";
  }
}
