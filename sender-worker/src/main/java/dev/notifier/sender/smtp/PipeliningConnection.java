package dev.notifier.sender.smtp;

import dev.notifier.sender.config.AccountSettings;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One long-lived connection of one account for the pipelining client ({@link MailBatch}): the
 * messages a sending thread hands over together go out pipelined, a message costing one round trip
 * instead of Angus Mail's four. Reused and replaced like {@link AccountConnection}: after any
 * failure, or after {@link AccountConnection#IDLE_TIMEOUT} unused, the next send opens a fresh one.
 * Not thread-safe: one per sending thread.
 *
 * <p><b>A connection that fails under a batch.</b> Each message's outcome follows from how far it
 * got, as with Angus: the server's reply decides; with the end of data sent and no reply, the
 * outcome is unknown (step {@code end-of-data}); with MAIL FROM accepted, the failure is the
 * message's. A message whose MAIL FROM the server had not accepted holds nothing on the server and
 * is sent again at once on a new connection, once, without counting an attempt: the messages queued
 * behind the one that failed always, and that one itself under {@link AccountConnection}'s rule (the
 * connection had carried earlier mail and closed without a reply, not a time-out).
 *
 * <p><b>{@code transport: auto}.</b> With {@code fallBackToAngus}, the first connection decides:
 * when the server's EHLO does not offer PIPELINING the slot hands every later message to an
 * {@link AccountConnection}, for good.
 */
public final class PipeliningConnection implements SmtpConnection {

  private static final Logger LOG = LoggerFactory.getLogger(PipeliningConnection.class);

  /** The most messages pipelined in one go: enough to fill a long round trip, few enough to fail small. */
  static final int BATCH_LIMIT = 32;

  private final AccountSettings account;
  private final Function<String, String> env;
  private final boolean fallBackToAngus;
  private final LongSupplier nanoClock;
  private final Session session;
  private SmtpWire wire;
  private boolean pipelining;
  private long lastUsed;
  private AccountConnection angus;

  public PipeliningConnection(AccountSettings account, Function<String, String> env, boolean fallBackToAngus) {
    this(account, env, fallBackToAngus, System::nanoTime);
  }

  PipeliningConnection(AccountSettings account, Function<String, String> env, boolean fallBackToAngus,
      LongSupplier nanoClock) {
    this.account = account;
    this.env = env;
    this.fallBackToAngus = fallBackToAngus;
    this.nanoClock = nanoClock;
    this.session = SessionFactory.session(account);
  }

  @Override
  public AccountSettings account() {
    return account;
  }

  @Override
  public Session session() {
    return session;
  }

  @Override
  public int batchLimit() {
    return angus != null ? 1 : BATCH_LIMIT;
  }

  /** Whether the open connection's server offered PIPELINING (false before the first connect). */
  boolean pipelining() {
    return wire != null && pipelining;
  }

  @Override
  public void send(MimeMessage message) throws DeliveryException {
    DeliveryException failure = sendAll(List.of(message)).get(0);
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public List<DeliveryException> sendAll(List<MimeMessage> messages) {
    if (angus != null) {
      return angus.sendAll(messages);
    }
    List<MailBatch.Item> items = new ArrayList<>(messages.size());
    for (MimeMessage message : messages) {
      MailBatch.Item item = new MailBatch.Item(message);
      MailBatch.prepare(item);
      items.add(item);
    }
    boolean pooled = isOpen();
    boolean resent = false;
    while (items.stream().anyMatch(i -> !i.done)) {
      try {
        pooled |= connectIfNeeded();
      } catch (DeliveryException e) {
        items.stream().filter(i -> !i.done).forEach(i -> finish(i, e));
        break;
      }
      if (angus != null) {
        return merge(items, angus.sendAll(pending(items)));
      }
      try {
        new MailBatch(wire, pipelining, account).run(items);
        lastUsed = nanoClock.getAsLong();
      } catch (IOException e) {
        boolean resend = settleAfterFailure(items, e, !resent, pooled || anyAccepted(items));
        closeQuietly();
        if (!resend) {
          break;
        }
        LOG.info("account {}: the connection failed ({}); sending the messages the server had not taken on a new "
            + "one", account.id(), SmtpFailures.describe(e));
        resent = true;
        pooled = false;
      }
    }
    return items.stream().map(i -> i.failure).toList();
  }

  /**
   * Gives each unfinished item its outcome after the connection failed; true when some are left
   * to send again on a new connection.
   */
  private boolean settleAfterFailure(List<MailBatch.Item> items, IOException e, boolean mayResend,
      boolean carriedEarlierMail) {
    boolean first = true;
    boolean again = false;
    for (MailBatch.Item item : items) {
      if (item.done) {
        continue;
      }
      if (item.failure != null) {
        // the server had refused it already (a 421 before closing, say): that reply is its outcome
        item.done = true;
        first = false;
        continue;
      }
      if (item.endOfDataSent) {
        finish(item, SmtpFailures.unknownOutcome(e, account));
      } else if (item.mailAccepted) {
        finish(item, new DeliveryException("io", null, "connection failed while sending: "
            + SmtpFailures.describe(e), e));
      } else if (mayResend && (!first || carriedEarlierMail && SmtpFailures.closedWithoutReply(e))) {
        again = true;
      } else {
        finish(item, new DeliveryException("io", null, "connection failed while sending: "
            + SmtpFailures.describe(e), e));
      }
      first = false;
    }
    return again;
  }

  private static boolean anyAccepted(List<MailBatch.Item> items) {
    return items.stream().anyMatch(i -> i.done && i.failure == null);
  }

  private static void finish(MailBatch.Item item, DeliveryException failure) {
    item.failure = failure;
    item.done = true;
  }

  private static List<MimeMessage> pending(List<MailBatch.Item> items) {
    return items.stream().filter(i -> !i.done).map(i -> i.message).toList();
  }

  private static List<DeliveryException> merge(List<MailBatch.Item> items, List<DeliveryException> sent) {
    List<DeliveryException> failures = new ArrayList<>(items.size());
    int next = 0;
    for (MailBatch.Item item : items) {
      failures.add(item.done ? item.failure : sent.get(next++));
    }
    return failures;
  }

  private boolean isOpen() {
    return wire != null && nanoClock.getAsLong() - lastUsed < AccountConnection.IDLE_TIMEOUT.toNanos();
  }

  /** Opens a connection unless a usable one is open; true when the open one is kept (pooled). */
  private boolean connectIfNeeded() throws DeliveryException {
    if (isOpen()) {
      return true;
    }
    closeQuietly();
    String password;
    try {
      password = account.authenticates() ? account.password(env) : null;
    } catch (IllegalStateException e) {
      throw new DeliveryException("auth", null, e.getMessage(), e);
    }
    SmtpLogin.Opened opened = SmtpLogin.open(account, password);
    if (!opened.pipelining() && fallBackToAngus) {
      SmtpLogin.closeQuietly(opened.wire());
      angus = new AccountConnection(account, env);
      return false;
    }
    wire = opened.wire();
    pipelining = opened.pipelining();
    lastUsed = nanoClock.getAsLong();
    return false;
  }

  private void closeQuietly() {
    SmtpLogin.closeQuietly(wire);
    wire = null;
  }

  @Override
  public void close() {
    if (isOpen()) {
      try {
        wire.command("QUIT");
        wire.flush();
      } catch (IOException ignored) {
        // the connection is being discarded anyway
      }
    }
    closeQuietly();
    if (angus != null) {
      angus.close();
    }
  }
}
