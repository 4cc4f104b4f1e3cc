package dev.notifier.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

class NightOwlTest {

  @Test
  void atEveryHourOfTheDayItIsAboutTwoInTheMorningWhereHanaIs() {
    Instant midnight = Instant.parse("2026-12-03T00:00:00Z");
    for (int minutes = 0; minutes < 24 * 60; minutes += 17) {
      Instant now = midnight.plus(minutes, ChronoUnit.MINUTES);
      NightOwl owl = NightOwl.at(now);
      LocalTime local = now.atZone(owl.zone()).toLocalTime();
      assertThat(local.getHour()).as(now + " in " + owl.zone()).isEqualTo(2);
      assertThat(owl.localNow()).isEqualTo(local.withSecond(0).withNano(0));
      // her quiet hours (22:00-08:00) hold mail now, for about six hours
      assertThat(owl.userJson()).contains("\"timeZone\": \"" + owl.zone().getId() + "\"")
          .contains("\"start\": \"22:00\", \"end\": \"08:00\"");
    }
  }
}
