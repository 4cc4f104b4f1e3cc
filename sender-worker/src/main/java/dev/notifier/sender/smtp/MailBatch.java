package dev.notifier.sender.smtp;

import dev.notifier.sender.config.AccountSettings;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.eclipse.angus.mail.smtp.SMTPOutputStream;

/**
 * The mail transactions of several messages on one open connection, pipelined as RFC 2920 allows:
 * MAIL, RCPT and DATA of a message leave together, and the message's data, its end of data and the
 * next message's MAIL, RCPT and DATA leave together too (the end of data may start a group). So a
 * message costs one round trip where Angus Mail spends four (MAIL, RCPT, DATA, end of data), and
 * every reply is still read and checked, in order, against the command it answers.
 *
 * <p>A transaction that failed (a refused sender or recipient) is closed with RSET before the next
 * message, as Angus does. When the server answers DATA with 354 although the transaction failed
 * (a recipient refused, yet DATA accepted), the connection is dropped without an end of data: the
 * server discards a transaction cut off before its end (RFC 5321 3.3), and nothing half-addressed
 * is delivered.
 *
 * <p>Without PIPELINING ({@code pipelining} false) the same code sends one command at a time.
 */
final class MailBatch {

  /** One message of the batch and how far it got. */
  static final class Item {
    final MimeMessage message;
    String from;
    List<String> recipients;
    DeliveryException failure;
    boolean done;
    boolean mailAccepted;
    boolean dataAccepted;
    boolean endOfDataSent;
    private boolean refused;

    Item(MimeMessage message) {
      this.message = message;
    }

    /** Whether the server holds nothing of this message: it did not accept its MAIL FROM. */
    boolean untouched() {
      return !done && !mailAccepted && !endOfDataSent;
    }
  }

  private enum Kind { MAIL, RCPT, DATA, FINAL, RSET }

  private record Expect(Kind kind, Item item, String recipient) {
  }

  private final SmtpWire wire;
  private final boolean pipelining;
  private final AccountSettings account;
  private final Deque<Expect> pending = new ArrayDeque<>();

  MailBatch(SmtpWire wire, boolean pipelining, AccountSettings account) {
    this.wire = wire;
    this.pipelining = pipelining;
    this.account = account;
  }

  /**
   * Prepares each item's envelope — the sender is the message's envelope sender (an account's VERP
   * return path, {@link SMTPMessage#getEnvelopeFrom}) where it has one, else its From, as Angus Mail
   * chooses; an item whose addresses could inject commands, or that has no recipient, is finished at
   * once with a failure at step {@code message}: nothing of it is sent.
   */
  static void prepare(Item item) {
    try {
      Address[] from = item.message.getFrom();
      Address[] to = item.message.getAllRecipients();
      if (from == null || from.length == 0 || to == null || to.length == 0) {
        refuse(item, "the message has no " + (from == null || from.length == 0 ? "sender" : "recipient"));
        return;
      }
      String envelopeFrom = item.message instanceof SMTPMessage smtp ? smtp.getEnvelopeFrom() : null;
      item.from = envelopeFrom != null && !envelopeFrom.isEmpty() ? address(new InternetAddress(envelopeFrom))
          : address(from[0]);
      List<String> recipients = new ArrayList<>(to.length);
      for (Address address : to) {
        recipients.add(address(address));
      }
      item.recipients = recipients;
    } catch (MessagingException | IllegalArgumentException e) {
      refuse(item, e.getMessage());
    }
  }

  private static String address(Address address) {
    String text = address instanceof InternetAddress internet ? internet.getAddress() : address.toString();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '<' || c == '>') {
        throw new IllegalArgumentException("envelope address '" + text.replace("\r", "\\r").replace("\n", "\\n")
            + "' contains CR, LF or another character that could inject SMTP commands; refused before sending");
      }
    }
    return text;
  }

  private static void refuse(Item item, String why) {
    item.failure = new DeliveryException("message", null, "message refused before sending: " + why, null);
    item.done = true;
  }

  /**
   * Runs the transactions of the items not yet done, in order. Returns when each has its outcome;
   * throws when the connection failed, leaving each item's state to say how far it got.
   */
  void run(List<Item> items) throws IOException {
    List<Item> live = items.stream().filter(i -> !i.done).toList();
    if (live.isEmpty()) {
      return;
    }
    envelope(live.get(0));
    wire.flush();
    for (int i = 0; i < live.size(); i++) {
      Item item = live.get(i);
      settleUntilData(item);
      if (item.dataAccepted && item.refused) {
        throw new IOException("the server accepted DATA for a transaction it had refused (" + item.failure.getMessage()
            + "); the connection is dropped so that nothing is delivered");
      }
      if (item.dataAccepted) {
        body(item);
      } else {
        command(new Expect(Kind.RSET, item, null), "RSET");
      }
      if (i + 1 < live.size()) {
        envelope(live.get(i + 1));
      }
      wire.flush();
    }
    while (!pending.isEmpty()) {
      settle(pending.poll());
    }
  }

  private void envelope(Item item) throws IOException {
    command(new Expect(Kind.MAIL, item, null), "MAIL FROM:<" + item.from + ">");
    for (String recipient : item.recipients) {
      if (!pipelining && item.refused) {
        return;
      }
      command(new Expect(Kind.RCPT, item, recipient), "RCPT TO:<" + recipient + ">");
    }
    if (!pipelining && item.refused) {
      return;
    }
    command(new Expect(Kind.DATA, item, null), "DATA");
  }

  /** Buffers a command; without pipelining it is sent and its reply read at once. */
  private void command(Expect expect, String line) throws IOException {
    wire.command(line);
    pending.add(expect);
    if (!pipelining) {
      wire.flush();
      while (!pending.isEmpty()) {
        settle(pending.poll());
      }
    }
  }

  /** Reads replies until the one to {@code item}'s DATA (or the last of its envelope) is in. */
  private void settleUntilData(Item item) throws IOException {
    while (!pending.isEmpty()) {
      Expect next = pending.poll();
      settle(next);
      if (next.item() == item && (next.kind() == Kind.DATA)) {
        return;
      }
    }
  }

  private void body(Item item) throws IOException {
    SMTPOutputStream data = new SMTPOutputStream(wire.data());
    try {
      item.message.writeTo(data);
    } catch (MessagingException e) {
      throw new IOException("the message could not be written: " + e.getMessage(), e);
    }
    data.ensureAtBOL();
    // from here a lost reply leaves the outcome unknown: the server may take the message
    item.endOfDataSent = true;
    wire.command(".");
    pending.add(new Expect(Kind.FINAL, item, null));
  }

  private void settle(Expect expect) throws IOException {
    Item item = expect.item();
    SmtpWire.Reply reply = expect.kind() == Kind.FINAL ? wire.read(account.finalReplyTimeout()) : wire.read();
    switch (expect.kind()) {
      case MAIL -> {
        item.mailAccepted = reply.code() / 100 == 2;
        if (!item.mailAccepted) {
          fail(item, "mail", reply, "server refused the message at mail: " + text(reply));
        }
      }
      case RCPT -> {
        if (reply.code() / 100 != 2 && !item.refused) {
          fail(item, "rcpt", reply, "recipient " + expect.recipient() + " refused: " + text(reply));
        }
      }
      case DATA -> {
        item.dataAccepted = reply.code() == 354;
        if (!item.dataAccepted && !item.refused) {
          fail(item, "data", reply, "server refused the message at data: " + text(reply));
        }
        item.done = !item.dataAccepted || item.refused;
      }
      case FINAL -> {
        if (reply.code() / 100 != 2) {
          fail(item, "data", reply, "server refused the message at data: " + text(reply));
        }
        item.done = true;
      }
      case RSET -> {
        item.done = true;
        if (reply.code() / 100 != 2) {
          throw new IOException("the server refused RSET: " + text(reply));
        }
      }
    }
  }

  private static void fail(Item item, String step, SmtpWire.Reply reply, String message) {
    item.refused = true;
    item.failure = new DeliveryException(step, reply.smtpReply(), message, null);
  }

  private static String text(SmtpWire.Reply reply) {
    return reply.lines().get(reply.lines().size() - 1).strip();
  }
}
