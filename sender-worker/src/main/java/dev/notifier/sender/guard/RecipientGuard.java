package dev.notifier.sender.guard;

import dev.notifier.avro.Notification;
import dev.notifier.sender.config.RecipientPolicy;
import dev.notifier.sender.retry.Action;
import dev.notifier.sender.retry.Classification;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Keeps an account from being an open relay: before anything else happens to a delivery (breaker,
 * throttle, SMTP), its recipients are held against the account's {@link RecipientPolicy}. A breach
 * is a {@link Action#POLICY} classification, which the lane dead-letters at once; it says nothing
 * about the account's health.
 *
 * <p>The recipient field is parsed as a header would be, groups included ({@code team: a@x, b@y;}),
 * so every mailbox the message could reach is counted and its domain checked. A field that does not
 * parse is not this guard's to judge: the message factory refuses it (INVALID_MESSAGE) before any
 * byte is sent. The From is not checked here because it never comes from the record: the worker
 * writes the account's own {@code from}.
 */
public final class RecipientGuard {

  private final String accountId;
  private final RecipientPolicy policy;

  public RecipientGuard(String accountId, RecipientPolicy policy) {
    this.accountId = accountId;
    this.policy = policy;
  }

  /** The breach of the policy {@code n} commits, if any. */
  public Optional<Classification> check(Notification n) {
    List<InternetAddress> mailboxes;
    try {
      mailboxes = mailboxes(n.getRecipient().getEmail());
    } catch (AddressException e) {
      return Optional.empty();
    }
    if (mailboxes.size() > policy.maxRecipients()) {
      return Optional.of(new Classification(Action.POLICY, false, "too-many-recipients",
          "the notification is addressed to " + mailboxes.size() + " mailboxes but accounts[" + accountId
              + "].maxRecipients is " + policy.maxRecipients() + "; it was not sent. The topology writes one "
              + "notification per recipient: find what wrote this record"));
    }
    for (InternetAddress mailbox : mailboxes) {
      String domain = domain(mailbox.getAddress());
      if (!policy.allows(domain)) {
        return Optional.of(new Classification(Action.POLICY, false, "recipient-domain-refused",
            "the recipient's domain '" + domain + "' is not in accounts[" + accountId + "].allowedRecipientDomains "
                + policy.allowedDomains() + "; it was not sent. Add the domain if the account may mail it, or "
                + "find what wrote this record"));
      }
    }
    return Optional.empty();
  }

  private static List<InternetAddress> mailboxes(String field) throws AddressException {
    List<InternetAddress> out = new ArrayList<>();
    for (InternetAddress address : InternetAddress.parseHeader(field, false)) {
      if (address.isGroup()) {
        out.addAll(List.of(address.getGroup(false)));
      } else {
        out.add(address);
      }
    }
    return out;
  }

  private static String domain(String address) {
    int at = address == null ? -1 : address.lastIndexOf('@');
    return at < 0 ? "" : address.substring(at + 1);
  }
}
