package dev.notifier.sender.failover;

import dev.notifier.sender.retry.Delivery;
import dev.notifier.sender.retry.RetryHeaders;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * The failover stage of the send path: hands a delivery that account {@code from} certainly did not
 * take to the next account of its primary's chain ({@link FailoverChains}), whose lane applies its
 * own breaker, token bucket and quotas to it — so a failover storm never exceeds a backup's limits.
 * No attempt is counted: the message was not sent.
 */
public final class Failover {

  /** No chains: nothing is ever handed over. */
  public static final Failover NONE = new Failover(FailoverChains.of(java.util.List.of()), null, (a, d) -> false);

  private final FailoverChains chains;
  private final FailoverState state;
  private final BiPredicate<String, Delivery> submit;

  /** @param submit queues a delivery on the lane of the account named; false when this worker has no such lane */
  public Failover(FailoverChains chains, FailoverState state, BiPredicate<String, Delivery> submit) {
    this.chains = chains;
    this.state = state;
    this.submit = submit;
  }

  /**
   * Hands {@code d} on from account {@code from}; false when the chain has no account after it, or
   * when an earlier attempt of {@code d} had an unknown outcome (it may be queued at that account:
   * it is sent again only there, whatever happens on the way).
   */
  public boolean handOver(Delivery d, String from, String why) {
    if (RetryHeaders.unknownOutcomeAccount(d.record().headers()) != null) {
      return false;
    }
    String primary = d.notification().getAccount();
    Optional<String> next = chains.next(primary, from);
    if (next.isEmpty() || !submit.test(next.get(), d)) {
      return false;
    }
    if (state != null) {
      state.tookOver(primary, from, next.get(), why);
    }
    return true;
  }

  /** Account {@code account} sent {@code d}: when it is the primary, a failover of its mail is over. */
  public void sent(Delivery d, String account) {
    if (state != null && account.equals(d.notification().getAccount())) {
      state.primarySent(account);
    }
  }
}
