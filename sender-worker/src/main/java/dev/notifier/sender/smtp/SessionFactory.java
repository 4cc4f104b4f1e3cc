package dev.notifier.sender.smtp;

import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.Security;
import jakarta.mail.Session;
import java.util.Properties;

/** Builds the Angus Mail session for an account: protocol, TLS, time-outs and EHLO name. */
public final class SessionFactory {

  private SessionFactory() {
  }

  public static Session session(AccountSettings account) {
    return Session.getInstance(properties(account));
  }

  static Properties properties(AccountSettings a) {
    String protocol = a.security() == Security.SSL ? "smtps" : "smtp";
    String p = "mail." + protocol + ".";
    Properties props = new Properties();
    props.put("mail.transport.protocol", protocol);
    props.put(p + "host", a.host());
    props.put(p + "port", String.valueOf(a.port()));
    // bounded time-outs: a silent server must not stall the worker (Angus defaults to infinite)
    props.put(p + "connectiontimeout", String.valueOf(a.connectTimeout().toMillis()));
    props.put(p + "timeout", String.valueOf(a.readTimeout().toMillis()));
    props.put(p + "writetimeout", String.valueOf(a.readTimeout().toMillis()));
    // the EHLO name comes from config: resolving an unqualified local host name can stall each connect
    props.put(p + "localhost", a.ehloName());
    props.put(p + "auth", String.valueOf(a.authenticates()));
    if (a.security() == Security.STARTTLS) {
      props.put(p + "starttls.enable", "true");
      props.put(p + "starttls.required", "true");
    }
    if (a.security() != Security.NONE) {
      // the server's name must match its certificate
      props.put(p + "ssl.checkserveridentity", "true");
    }
    return props;
  }
}
