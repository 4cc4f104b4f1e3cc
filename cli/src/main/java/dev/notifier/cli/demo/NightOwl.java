package dev.notifier.cli.demo;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The demo's recipient whose night it is: Hana, with quiet hours 22:00–08:00 every day, in the time
 * zone where it is now about 02:00 (an {@code Etc/GMT} zone, chosen when the demo starts), so that mail
 * for her is held until her morning whenever the demo runs.
 */
record NightOwl(ZoneId zone, LocalTime localNow) {

  static final String USER_ID = "hana";
  static final String EMAIL = "hana@example.com";
  private static final int NIGHT_HOUR = 2;

  static NightOwl at(Instant now) {
    int utcHour = now.atOffset(ZoneOffset.UTC).getHour();
    int offset = Math.floorMod(NIGHT_HOUR - utcHour + 12, 24) - 12; // within -12 .. +11, as Etc/GMT zones are
    // Etc/GMT zones count the other way round: Etc/GMT-3 is three hours ahead of UTC
    ZoneId zone = ZoneId.of(offset == 0 ? "Etc/UTC" : "Etc/GMT" + (offset > 0 ? "-" : "+") + Math.abs(offset));
    return new NightOwl(zone, now.atZone(zone).toLocalTime().withSecond(0).withNano(0));
  }

  /** Her user record, as {@code notifier publish --kind users} reads it. */
  String userJson() {
    return "{\"userId\": \"" + USER_ID + "\", \"email\": \"" + EMAIL + "\", \"displayName\": \"Hana\", \"locale\": \"en\","
        + " \"timeZone\": \"" + zone.getId() + "\", \"active\": true, \"optOut\": [],"
        + " \"preferences\": {\"quietHours\": [{\"days\": [], \"start\": \"22:00\", \"end\": \"08:00\"}]}}";
  }
}
