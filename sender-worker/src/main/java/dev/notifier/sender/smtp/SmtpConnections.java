package dev.notifier.sender.smtp;

import dev.notifier.sender.config.AccountSettings;
import java.util.function.Function;

/** Opens the connection slot an account's {@code transport} asks for. */
public final class SmtpConnections {

  private SmtpConnections() {
  }

  public static SmtpConnection open(AccountSettings account, Function<String, String> env) {
    return switch (account.transport()) {
      case ANGUS -> new AccountConnection(account, env);
      case PIPELINING -> new PipeliningConnection(account, env, false);
      case AUTO -> new PipeliningConnection(account, env, true);
    };
  }
}
