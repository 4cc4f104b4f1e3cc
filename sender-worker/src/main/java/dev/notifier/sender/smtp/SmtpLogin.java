package dev.notifier.sender.smtp;

import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.Security;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Opens a connection for the pipelining client the way {@link SessionFactory} has Angus Mail open
 * one: connect within the connect time-out, implicit TLS or required STARTTLS with the server's
 * identity checked, EHLO with the configured name, AUTH PLAIN (or LOGIN when only that is offered).
 * Each failure is a {@link DeliveryException} with the step and the message Angus's path gives
 * ({@link SmtpFailures#explainConnect}), so the classifier treats both clients alike. The password
 * goes only to the server, base64-encoded as the mechanism wants, and into no message.
 */
final class SmtpLogin {

  private SmtpLogin() {
  }

  /** An open, logged-in connection and whether its server accepts pipelined commands. */
  record Opened(SmtpWire wire, boolean pipelining) {
  }

  static Opened open(AccountSettings a, String password) throws DeliveryException {
    SmtpWire wire = null;
    SmtpWire.Reply last = null;
    try {
      wire = SmtpWire.connect(a.host(), a.port(), a.connectTimeout(), a.readTimeout(),
          a.security() == Security.SSL ? SessionFactory.tlsSocketFactory(a) : null, a.checkServerIdentity());
      last = expect(wire.read(), 220);
      last = ehlo(wire, a);
      if (a.security() == Security.STARTTLS) {
        if (!last.extensions().contains("STARTTLS")) {
          throw new DeliveryException("starttls", null, "account " + a.id() + ": " + a.host() + ":" + a.port()
              + " does not offer STARTTLS, which security: starttls requires; nothing was sent", null);
        }
        wire.command("STARTTLS");
        wire.flush();
        last = expect(wire.read(), 220);
        wire.startTls(SessionFactory.tlsSocketFactory(a), a.host(), a.port(), a.checkServerIdentity());
        last = ehlo(wire, a);
      }
      boolean pipelining = last.extensions().contains("PIPELINING");
      if (a.authenticates()) {
        authenticate(wire, a, password, last.extensions());
      }
      return new Opened(wire, pipelining);
    } catch (DeliveryException e) {
      closeQuietly(wire);
      throw e;
    } catch (RefusedReply e) {
      closeQuietly(wire);
      throw connectFailure(a, e.reply.smtpReply(), e);
    } catch (IOException | RuntimeException e) {
      closeQuietly(wire);
      throw connectFailure(a, null, e);
    }
  }

  private static SmtpWire.Reply ehlo(SmtpWire wire, AccountSettings a) throws IOException {
    wire.command("EHLO " + a.ehloName());
    wire.flush();
    return expect(wire.read(), 250);
  }

  private static void authenticate(SmtpWire wire, AccountSettings a, String password, List<String> extensions)
      throws IOException, DeliveryException {
    String mechanisms = extensions.stream().filter(e -> e.startsWith("AUTH ") || e.startsWith("AUTH=")).findFirst()
        .map(e -> " " + e.substring(5) + " ").orElse("");
    SmtpWire.Reply reply;
    if (mechanisms.contains(" PLAIN ")) {
      wire.command("AUTH PLAIN " + base64("\0" + a.username() + "\0" + password));
      wire.flush();
      reply = wire.read();
    } else if (mechanisms.contains(" LOGIN ")) {
      wire.command("AUTH LOGIN");
      wire.flush();
      reply = wire.read();
      if (reply.code() == 334) {
        wire.command(base64(a.username()));
        wire.flush();
        reply = wire.read();
      }
      if (reply.code() == 334) {
        wire.command(base64(password));
        wire.flush();
        reply = wire.read();
      }
    } else {
      throw new DeliveryException("auth", null, "account " + a.id() + " could not log in as " + a.username() + ": "
          + a.host() + ":" + a.port() + " offers neither AUTH PLAIN nor AUTH LOGIN"
          + (mechanisms.isBlank() ? " (no AUTH at all)" : " (only" + mechanisms.stripTrailing() + ")"), null);
    }
    if (reply.code() != 235) {
      throw new DeliveryException("auth", reply.smtpReply(), "account " + a.id() + " could not log in as "
          + a.username() + ": " + reply.smtpReply(), null);
    }
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static SmtpWire.Reply expect(SmtpWire.Reply reply, int code) throws RefusedReply {
    if (reply.code() != code) {
      throw new RefusedReply(reply);
    }
    return reply;
  }

  private static DeliveryException connectFailure(AccountSettings a, SmtpReply reply, Exception e) {
    return new DeliveryException("connect", reply, "cannot connect to " + a.host() + ":" + a.port() + " ("
        + a.security().name().toLowerCase(Locale.ROOT) + "): " + (reply != null ? reply : SmtpFailures.describe(e)), e);
  }

  static void closeQuietly(SmtpWire wire) {
    if (wire != null) {
      try {
        wire.close();
      } catch (IOException ignored) {
        // the connection is being discarded
      }
    }
  }

  /** A reply other than the one the dialogue needs at that point, e.g. a 421 greeting. */
  private static final class RefusedReply extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient SmtpWire.Reply reply;

    RefusedReply(SmtpWire.Reply reply) {
      super("the server replied " + reply);
      this.reply = reply;
    }
  }
}
