package dev.notifier.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the worker writes as a return path is what the bounce reader finds again, and nothing else is. */
class VerpAddressTest {

  private static final String ID = NotificationIds.forAddress("evt-7", "gone@example.org", "bug-assigned");

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"bounces+{id}@bounces.example.com", "Bounce.Mail_1+{id}@mx-1.example.co.uk",
      VerpAddress.EXAMPLE})
  void aReturnPathMadeFromATemplateIsReadBackAsItsNotificationId(String template) {
    assertThat(VerpAddress.problem(template)).isNull();

    String address = VerpAddress.forNotification(template, ID);

    assertThat(address).isEqualTo(template.replace("{id}", ID));
    assertThat(VerpAddress.notificationIdIn(address)).isEqualTo(ID);
    assertThat(VerpAddress.notificationIdIn("To: Bounces <" + address + ">")).isEqualTo(ID);
    assertThat(VerpAddress.notificationIdIn(address.toUpperCase(java.util.Locale.ROOT)))
        .isEqualToIgnoringCase(ID);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"bounces@example.com", "{id}@example.com", "bounces-{id}@example.com",
      "bounces+{id}.x@example.com", "a+b+{id}@example.com", "bounces+{id}+{id}@example.com", "bounces+{id}@",
      "bounces+{id}@localhost", "bounces+{id}@-bad-.example.com", " ", "bounces +{id}@example.com"})
  void aTemplateTheReaderCouldNotReadBackIsRefusedWithTheFix(String template) {
    assertThat(VerpAddress.problem(template)).isNotNull().containsAnyOf(VerpAddress.EXAMPLE, "bounces.example.com");
  }

  @Test
  void anIdThatIsNotANotificationIdMakesNoReturnPathAndPlainAddressesCarryNone() {
    assertThat(VerpAddress.forNotification(VerpAddress.EXAMPLE, "bench-run-1")).isNull();
    assertThat(VerpAddress.notificationIdIn("bounces@example.com, user+news@example.com")).isNull();
    assertThat(VerpAddress.notificationIdIn(null)).isNull();
  }
}
