package dev.notifier.sender.failover;

import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.retry.Action;
import dev.notifier.sender.retry.Classification;
import dev.notifier.sender.smtp.DeliveryException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The failover chains of the accounts: for mail routed to account A (its primary), the accounts
 * that take it, in order, when the account trying it certainly did not take it — and when that is.
 *
 * <p><b>Only when the message certainly did not reach the server's queue</b> (DESIGN.md, Deliver;
 * RFC 1047): the account's breaker is open, its quota or rate would hold the mail back (the wait is
 * too long to hold a sending thread), or an attempt failed before the end of data in a way that is
 * about the account or the connection — connect, TLS, EHLO and AUTH failures, a refusal of MAIL
 * FROM, a provider's throttling or quota reply to RCPT, a connection lost before the end of data.
 * Never on a reply about the recipient (5.1.x, a full mailbox: the address would fail everywhere),
 * never on a refusal of the content, and never once the end of data was sent without a reply (an
 * unknown outcome: the primary may have queued it, so a backup would mail the person twice).
 */
public final class FailoverChains {

  /** The steps before the message's data: whatever fails there, the server holds nothing of the message. */
  private static final Set<String> BEFORE_DATA = Set.of("connect", "starttls", "ehlo", "auth", "mail", "io");
  /** Replies to RCPT about the sending account (throttling, quotas, the server), not about the recipient. */
  private static final Set<String> ACCOUNT_KINDS_AT_RCPT = Set.of("rate-limited", "quota-exceeded",
      "too-many-connections", "server-busy", "service-unavailable", "deferred", "auth-temporary");

  private final Map<String, List<String>> chains;

  private FailoverChains(Map<String, List<String>> chains) {
    this.chains = chains;
  }

  /** The chains the accounts configure ({@code failover}), checked at start-up by {@code AccountsValidator}. */
  public static FailoverChains of(List<AccountSettings> accounts) {
    Map<String, List<String>> chains = new LinkedHashMap<>();
    for (AccountSettings a : accounts) {
      if (!a.failover().isEmpty()) {
        List<String> chain = new ArrayList<>();
        chain.add(a.id());
        chain.addAll(a.failover());
        chains.put(a.id(), List.copyOf(chain));
      }
    }
    return new FailoverChains(Map.copyOf(chains));
  }

  /** Every (primary, backup) pair, for the gauges. */
  public Map<String, List<String>> backupsByPrimary() {
    Map<String, List<String>> backups = new LinkedHashMap<>();
    chains.forEach((primary, chain) -> backups.put(primary, chain.subList(1, chain.size())));
    return backups;
  }

  /**
   * The account after {@code current} in the chain of mail routed to {@code primary}; empty when
   * {@code current} is the last (or {@code primary} has no chain).
   */
  public Optional<String> next(String primary, String current) {
    List<String> chain = chains.get(primary);
    if (chain == null) {
      return Optional.empty();
    }
    int at = chain.indexOf(current);
    return at < 0 || at + 1 >= chain.size() ? Optional.empty() : Optional.of(chain.get(at + 1));
  }

  /** Whether a failed attempt certainly left the message untaken and says nothing against the recipient or content. */
  public static boolean certainlyNotTaken(DeliveryException failure, Classification c) {
    if (c.action() == Action.ACCOUNT_ERROR) {
      return !"end-of-data".equals(failure.step());
    }
    if (c.action() != Action.RETRY || "worker-error".equals(c.kind())) {
      return false;
    }
    // a connection lost at DATA or while the content went out, before the end of data: nothing queued
    boolean lostBeforeEndOfData = "data".equals(failure.step()) && failure.reply() == null;
    return BEFORE_DATA.contains(failure.step()) || lostBeforeEndOfData
        || "rcpt".equals(failure.step()) && ACCOUNT_KINDS_AT_RCPT.contains(c.kind());
  }
}
