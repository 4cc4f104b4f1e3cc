package dev.notifier.sender.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.Notification;
import dev.notifier.avro.Priority;
import dev.notifier.avro.Recipient;
import dev.notifier.sender.config.RecipientPolicy;
import dev.notifier.sender.retry.Action;
import dev.notifier.sender.retry.Classification;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecipientGuardTest {

  private static Notification to(String email) {
    return Notification.newBuilder().setPriority(Priority.NORMAL).setNotificationId("n-1").setEventId("e-1")
        .setEventType("bug.assigned").setTemplate("bug-assigned").setAccount("corp")
        .setRecipient(Recipient.newBuilder().setEmail(email).build()).setSubject("s").setTextBody("t")
        .setCreatedAt(Instant.parse("2026-11-21T10:00:00Z")).build();
  }

  private static Optional<Classification> check(List<String> domains, Integer max, String email) {
    return new RecipientGuard("corp", RecipientPolicy.of("corp", domains, max)).check(to(email));
  }

  @Test
  void theDefaultPolicyTakesOneRecipientAnywhere() {
    assertThat(check(null, null, "anyone@anywhere.example")).isEmpty();
    assertThat(check(null, null, "Anyone <anyone@anywhere.example>")).isEmpty();
  }

  @Test
  void aForeignDomainIsAPolicyDeadLetterNamingTheDomainAndTheKey() {
    Optional<Classification> breach = check(List.of("corp.com"), null, "victim@elsewhere.example");

    assertThat(breach).hasValueSatisfying(c -> {
      assertThat(c.action()).isEqualTo(Action.POLICY);
      assertThat(c.countsAgainstBreaker()).isFalse();
      assertThat(c.kind()).isEqualTo("recipient-domain-refused");
      assertThat(c.fix()).startsWith("the recipient's domain 'elsewhere.example' is not in "
          + "accounts[corp].allowedRecipientDomains [corp.com]");
    });
  }

  @Test
  void domainsCompareWithoutCaseAndWildcardsCoverSubdomainsOnly() {
    assertThat(check(List.of("corp.com"), null, "a@CORP.com")).isEmpty();
    assertThat(check(List.of("corp.com"), null, "a@mail.corp.com")).isPresent();
    assertThat(check(List.of("corp.com"), null, "a@evilcorp.com")).isPresent();
    assertThat(check(List.of("*.corp.com"), null, "a@mail.corp.com")).isEmpty();
    assertThat(check(List.of("*.corp.com"), null, "a@corp.com")).isPresent();
    assertThat(check(List.of("*.corp.com"), null, "a@evilcorp.com")).isPresent();
  }

  @Test
  void aListOfRecipientsIsRefusedWhateverItsSyntax() {
    assertThat(check(null, null, "a@corp.com, b@corp.com")).hasValueSatisfying(c -> {
      assertThat(c.kind()).isEqualTo("too-many-recipients");
      assertThat(c.fix()).startsWith("the notification is addressed to 2 mailboxes but accounts[corp].maxRecipients "
          + "is 1");
    });
    assertThat(check(null, null, "all: a@corp.com, b@corp.com, c@corp.com;")).hasValueSatisfying(
        c -> assertThat(c.fix()).contains("addressed to 3 mailboxes"));
    assertThat(check(null, 3, "all: a@corp.com, b@corp.com, c@corp.com;")).isEmpty();
  }

  @Test
  void everyMailboxOfAListIsHeldAgainstTheDomains() {
    assertThat(check(List.of("corp.com"), 5, "a@corp.com, spy@elsewhere.example")).hasValueSatisfying(
        c -> assertThat(c.kind()).isEqualTo("recipient-domain-refused"));
  }

  @Test
  void aFieldWithoutADomainIsRefusedWhenDomainsAreListed() {
    assertThat(check(List.of("corp.com"), null, "not an <address")).isPresent();
    assertThat(check(List.of("corp.com"), null, "postmaster")).isPresent();
  }
}
