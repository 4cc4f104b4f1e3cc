package dev.notifier.sender.failover;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a backup is carrying a primary's mail, as an operator needs to see it: the gauge
 * {@code notifier_failover_active{route,account}} (1 while backup {@code account} carries mail routed
 * to {@code route}), and one WARN line when that starts and one when the primary takes its mail
 * again (its first own send after the failover), never a line per message.
 */
public final class FailoverState {

  public static final String ACTIVE = "notifier.failover.active";
  private static final Logger LOG = LoggerFactory.getLogger(FailoverState.class);

  private final Map<String, AtomicInteger> active = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> carried = new ConcurrentHashMap<>();
  private final Map<String, List<String>> backupsByPrimary;

  public FailoverState(FailoverChains chains, MeterRegistry registry) {
    this.backupsByPrimary = chains.backupsByPrimary();
    backupsByPrimary.forEach((primary, backups) -> backups.forEach(backup -> {
      AtomicInteger flag = new AtomicInteger();
      active.put(key(primary, backup), flag);
      carried.put(key(primary, backup), new AtomicInteger());
      Gauge.builder(ACTIVE, flag, AtomicInteger::get)
          .description("1 while a backup account carries mail routed to another account (its route)")
          .tags("route", primary, "account", backup).register(registry);
    }));
  }

  /** Backup {@code backup} took a message routed to {@code primary}, because {@code from} could not ({@code why}). */
  public void tookOver(String primary, String from, String backup, String why) {
    AtomicInteger flag = active.get(key(primary, backup));
    if (flag == null) {
      return;
    }
    carried.get(key(primary, backup)).incrementAndGet();
    if (flag.compareAndSet(0, 1)) {
      LOG.warn("failover: mail routed to account {} now goes to backup account {} ({} could not take it: {}); "
          + "the primary gets it back once its breaker lets a probe through and the probe is sent", primary, backup,
          from, why);
    }
  }

  /** {@code primary} sent a message of its own: every backup that carried its mail stops. */
  public void primarySent(String primary) {
    List<String> backups = backupsByPrimary.get(primary);
    if (backups == null) {
      return;
    }
    for (String backup : backups) {
      if (active.get(key(primary, backup)).compareAndSet(1, 0)) {
        LOG.warn("failover over: account {} sends its own mail again; backup account {} carried {} messages handed "
            + "to it", primary, backup, carried.get(key(primary, backup)).getAndSet(0));
      }
    }
  }

  /** Whether {@code backup} is carrying mail routed to {@code primary} now. */
  public boolean active(String primary, String backup) {
    AtomicInteger flag = active.get(key(primary, backup));
    return flag != null && flag.get() == 1;
  }

  private static String key(String primary, String backup) {
    return primary + "\u0000" + backup;
  }
}
