package dev.notifier.sender.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whom an account may mail, so that a worker is no open relay for whatever can write to the send
 * topic: the recipient domains it may reach ({@code allowedRecipientDomains}; empty: any) and the
 * most recipients one message may have ({@code maxRecipients}). A notification that breaks them is a
 * dead letter of class POLICY, never a send (see {@code guard.RecipientGuard}).
 *
 * <p>{@code maxRecipients} defaults to 1: the topology writes one notification per recipient
 * (DESIGN.md, Expand), so a record addressed to more than one mailbox was not written by it. An
 * entry {@code example.com} allows exactly that domain; {@code *.example.com} allows its
 * subdomains (not the domain itself: list both for both). Domains compare case-insensitively.
 *
 * @param allowedDomains lower-case domains or {@code *.}-wildcards; empty for any domain
 * @param maxRecipients at least 1
 */
public record RecipientPolicy(List<String> allowedDomains, int maxRecipients) {

  /** Any domain, one recipient per message. */
  public static final RecipientPolicy DEFAULT = new RecipientPolicy(List.of(), 1);
  /** Above this a message is a mailing, not a notification; no provider takes it in one go anyway. */
  public static final int MAX_MAX_RECIPIENTS = 100;

  private static final Pattern DOMAIN = Pattern.compile("(\\*\\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)*"
      + "[a-z0-9]([a-z0-9-]*[a-z0-9])?");

  public RecipientPolicy {
    allowedDomains = List.copyOf(allowedDomains);
  }

  /**
   * The policy of account {@code id} from its config keys, either of them null for its default.
   *
   * @throws IllegalArgumentException naming the account, the key, the value and the fix
   */
  public static RecipientPolicy of(String id, List<String> allowedDomains, Integer maxRecipients) {
    int max = maxRecipients == null ? DEFAULT.maxRecipients() : maxRecipients;
    if (max < 1 || max > MAX_MAX_RECIPIENTS) {
      throw new IllegalArgumentException("accounts[" + id + "].maxRecipients is " + max + ": use 1 to "
          + MAX_MAX_RECIPIENTS + " (1, the default, fits notifications: the topology writes one per recipient)");
    }
    List<String> domains = new ArrayList<>();
    for (String entry : allowedDomains == null ? List.<String>of() : allowedDomains) {
      String domain = entry == null ? "" : entry.strip().toLowerCase(Locale.ROOT);
      if (domain.endsWith(".")) {
        domain = domain.substring(0, domain.length() - 1);
      }
      if (!DOMAIN.matcher(domain).matches()) {
        throw new IllegalArgumentException("accounts[" + id + "].allowedRecipientDomains has '" + entry
            + "', which is not a domain: write example.com, or *.example.com for its subdomains");
      }
      domains.add(domain);
    }
    return new RecipientPolicy(domains, max);
  }

  /** Whether mail to {@code domain} (any case) is allowed. */
  public boolean allows(String domain) {
    if (allowedDomains.isEmpty()) {
      return true;
    }
    String d = domain.strip().toLowerCase(Locale.ROOT);
    if (d.endsWith(".")) {
      d = d.substring(0, d.length() - 1);
    }
    for (String allowed : allowedDomains) {
      if (allowed.startsWith("*.") ? d.endsWith(allowed.substring(1)) : d.equals(allowed)) {
        return true;
      }
    }
    return false;
  }
}
