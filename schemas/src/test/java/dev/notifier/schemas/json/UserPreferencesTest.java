package dev.notifier.schemas.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notifier.avro.User;
import dev.notifier.schemas.InvalidRecordException;
import org.junit.jupiter.api.Test;

class UserPreferencesTest {

  private static User user(String json) throws Exception {
    return JsonRecords.user(new ObjectMapper().readTree(json));
  }

  @Test
  void aUserCarriesQuietHoursDigestChoicesAndADailyCap() throws Exception {
    User u = user("{\"userId\":\"alice\",\"timeZone\":\"Europe/Berlin\",\"preferences\":{"
        + "\"quietHours\":[{\"days\":[\"mon\",\"TUE\"],\"start\":\"22:00\",\"end\":\"08:00\"}],"
        + "\"digests\":{\"bug\":\"Daily\",\"story.*\":\"none\"},\"dailyCap\":20}}");

    assertThat(u.getTimeZone()).isEqualTo("Europe/Berlin");
    assertThat(u.getPreferences().getQuietHours()).singleElement().satisfies(q -> {
      assertThat(q.getDays()).containsExactly("MON", "TUE");
      assertThat(q.getStart()).isEqualTo("22:00");
      assertThat(q.getEnd()).isEqualTo("08:00");
    });
    assertThat(u.getPreferences().getDigests()).containsEntry("bug", "daily").containsEntry("story.*", "none");
    assertThat(u.getPreferences().getDailyCap()).isEqualTo(20);
  }

  @Test
  void aUserWithoutPreferencesHasNone() throws Exception {
    assertThat(user("{\"userId\":\"bob\",\"email\":\"bob@example.com\"}").getPreferences()).isNull();
    assertThat(user("{\"userId\":\"bob\",\"preferences\":{}}").getPreferences().getQuietHours()).isNull();
  }

  @Test
  void badPreferencesAreRefusedNamingTheFieldAndTheValue() {
    assertThatThrownBy(() -> user("{\"userId\":\"a\",\"preferences\":{\"quietHours\":"
        + "[{\"start\":\"25:00\",\"end\":\"08:00\"}]}}"))
        .isInstanceOf(InvalidRecordException.class)
        .hasMessageContaining("preferences.quietHours[0].start").hasMessageContaining("25:00");
    assertThatThrownBy(() -> user("{\"userId\":\"a\",\"preferences\":{\"digests\":{\"bug\":\"hourly\"}}}"))
        .hasMessageContaining("preferences.digests.bug").hasMessageContaining("hourly");
    assertThatThrownBy(() -> user("{\"userId\":\"a\",\"preferences\":{\"dailyCap\":-1}}"))
        .hasMessageContaining("preferences.dailyCap");
    assertThatThrownBy(() -> user("{\"userId\":\"a\",\"timeZone\":\"Mars/Olympus\"}"))
        .hasMessageContaining("timeZone").hasMessageContaining("Mars/Olympus");
    assertThatThrownBy(() -> user("{\"userId\":\"a\",\"preferences\":{\"quietHours\":"
        + "[{\"days\":[\"Funday\"],\"start\":\"22:00\",\"end\":\"08:00\"}]}}"))
        .hasMessageContaining("Funday");
  }
}
