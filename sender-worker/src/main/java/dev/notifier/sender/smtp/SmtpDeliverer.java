package dev.notifier.sender.smtp;

import dev.notifier.avro.Notification;
import dev.notifier.sender.config.AccountSettings;
import jakarta.mail.internet.MimeMessage;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Delivers notifications through the account each one names, over that account's reused
 * connection. One instance per sending thread.
 */
public final class SmtpDeliverer implements AutoCloseable {

  private final Map<String, AccountConnection> connections = new HashMap<>();

  public SmtpDeliverer(Map<String, AccountSettings> accounts, Function<String, String> env) {
    accounts.forEach((id, account) -> connections.put(id, new AccountConnection(account, env)));
  }

  public void deliver(Notification n) throws DeliveryException {
    AccountConnection connection = connections.get(n.getAccount());
    if (connection == null) {
      throw new DeliveryException("account", null, "notification names account '" + n.getAccount()
          + "', which this worker does not have: add it to the config's accounts or fix the team routing", null);
    }
    MimeMessage message = MessageFactory.build(connection.session(), n, connection.account().from());
    connection.send(message);
  }

  @Override
  public void close() {
    connections.values().forEach(AccountConnection::close);
  }
}
