package dev.notifier.sender.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up check of the sender accounts as a whole and against the environment: what a single
 * {@link AccountSettings} cannot know (duplicate ids, an unset password variable, a provider that
 * refuses a sender other than the logged-in user). Every problem is collected, so one failed start
 * lists them all, one per line, each naming the account, the key, the value and the fix. Passwords
 * are looked up only to see whether they are there; their values never appear in a message.
 */
public final class AccountsValidator {

  private static final Logger LOG = LoggerFactory.getLogger(AccountsValidator.class);

  private AccountsValidator() {
  }

  /**
   * Checks {@code accounts}; {@code env} looks up environment variables. Logs each warning (e.g. a
   * disabled identity check) and returns them.
   *
   * @throws IllegalArgumentException listing every problem, one per line
   */
  public static List<String> validate(List<AccountSettings> accounts, Function<String, String> env) {
    List<String> errors = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    duplicateIds(accounts, errors);
    failoverChains(accounts, errors, warnings);
    for (AccountSettings a : accounts) {
      tls(a, errors, warnings);
      sender(a, errors);
      returnPath(a, errors);
      password(a, env, errors);
      certificate(a, errors);
      a.presetDetails().filter(Preset::needsAuthorizationCode).ifPresent(p -> LOG.info(
          "accounts[{}] uses preset {}: its password is an authorization code generated in the mailbox's settings, "
              + "not the login password (a login password is refused with 535)", a.id(), p.name()));
    }
    warnings.forEach(LOG::warn);
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException((errors.size() == 1 ? "1 problem" : errors.size() + " problems")
          + " in the sender accounts:\n" + String.join("\n", errors));
    }
    return List.copyOf(warnings);
  }

  private static void duplicateIds(List<AccountSettings> accounts, List<String> errors) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    accounts.forEach(a -> counts.merge(a.id(), 1, Integer::sum));
    counts.forEach((id, count) -> {
      if (count > 1) {
        errors.add("accounts[" + id + "].id '" + id + "' is used by " + count + " accounts: give each account its "
            + "own id");
      }
    });
  }

  /**
   * Every account a chain names exists and is enabled, is not the account itself and is named
   * once; a backup whose daily quota is far below (under half) its primary's, or that has one where
   * the primary has none, is worth a warning: a failover would soon stop at its quota. A chain is
   * not followed through the backups' own chains, so there is no cycle to find beyond the account
   * naming itself. Each backup's From is checked by {@link #sender} like any account's: the mail it
   * takes over is sent from the backup's own address.
   */
  private static void failoverChains(List<AccountSettings> accounts, List<String> errors, List<String> warnings) {
    Map<String, AccountSettings> byId = new LinkedHashMap<>();
    accounts.forEach(a -> byId.putIfAbsent(a.id(), a));
    for (AccountSettings a : accounts) {
      String key = "accounts[" + a.id() + "].failover";
      List<String> seen = new ArrayList<>();
      for (String backupId : a.failover()) {
        AccountSettings backup = byId.get(backupId);
        if (backupId.equals(a.id())) {
          errors.add(key + " names the account itself: list other accounts, which take its mail when it cannot");
        } else if (seen.contains(backupId)) {
          errors.add(key + " names '" + backupId + "' twice: name each backup once, in the order they are tried");
        } else if (backup == null) {
          errors.add(key + " names '" + backupId + "', which is not an account: add it under accounts, or use one of "
              + byId.keySet());
        } else if (!backup.isEnabled()) {
          errors.add(key + " names '" + backupId + "', which is disabled: enable it or remove it from the chain");
        } else {
          quotaWarning(a, backup, key, warnings);
        }
        seen.add(backupId);
      }
    }
  }

  private static void quotaWarning(AccountSettings primary, AccountSettings backup, String key, List<String> warnings) {
    Integer primaryDay = primary.limits().perDay();
    Integer backupDay = backup.limits().perDay();
    if (backupDay != null && (primaryDay == null || backupDay * 2L < primaryDay)) {
      warnings.add(key + " names '" + backup.id() + "', whose daily quota (" + backupDay + ") is far below "
          + (primaryDay == null ? "the primary's (none)" : "the primary's (" + primaryDay + ")")
          + ": a failover of a busy day would stop at it; raise it or add another backup");
    }
  }

  private static void tls(AccountSettings a, List<String> errors, List<String> warnings) {
    String key = "accounts[" + a.id() + "].security is '" + name(a.security()) + "'";
    boolean implicitPort = a.port() == 465 || a.port() == 994;
    switch (a.security()) {
      case SSL -> {
        if (a.port() == 587 || a.port() == 25) {
          errors.add(key + " but port is " + a.port() + ": port " + a.port() + " expects starttls; implicit TLS (ssl) "
              + "is used on 465 or 994. Set security: starttls, or port: 465");
        }
      }
      case STARTTLS -> {
        if (implicitPort) {
          errors.add(key + " but port is " + a.port() + ": port " + a.port() + " expects implicit TLS (ssl); "
              + "starttls is used on 587 or 25. Set security: ssl, or port: 587");
        }
      }
      case NONE -> {
        if (implicitPort) {
          errors.add(key + " but port is " + a.port() + ": port " + a.port() + " expects implicit TLS (ssl), so the "
              + "server waits for a TLS handshake that never comes. Set security: ssl");
        } else {
          if (a.port() == 587 && !a.authenticates()) {
            warnings.add(key + " on port 587: mail crosses the network in clear. Set security: starttls unless "
                + "this is a local relay");
          }
          plaintextAuth(a, errors, warnings);
        }
      }
    }
    if (a.security() != Security.NONE && !a.checkServerIdentity()) {
      warnings.add("accounts[" + a.id() + "].checkServerIdentity is false: the certificate of " + a.host() + " is not "
          + "matched against its host name, so anyone holding a trusted certificate for another name could read "
          + "the mail and the password. Remove it once the server's certificate names " + a.host());
    }
  }

  /**
   * No password crosses the network in clear: an account that logs in over a connection without TLS
   * is refused, on any port, unless it says {@code allowPlaintextAuth: true} (a relay on the same
   * host or a network the operator trusts) — and then it is still worth a warning.
   */
  private static void plaintextAuth(AccountSettings a, List<String> errors, List<String> warnings) {
    if (!a.authenticates()) {
      return;
    }
    String where = "accounts[" + a.id() + "] logs in as '" + a.username() + "' over a connection without TLS "
        + "(security: none, port " + a.port() + ")";
    if (a.allowPlaintextAuth()) {
      warnings.add(where + ", as allowPlaintextAuth: true permits: the password crosses the network in clear. "
          + "Use security: starttls or ssl unless the relay is on this host or a network you trust");
    } else {
      errors.add(where + ": the password would cross the network in clear, so AUTH is refused. Set security: "
          + "starttls (587 or 25) or ssl (465); only for a relay on this host or a network you trust, set "
          + "allowPlaintextAuth: true on the account");
    }
  }

  private static void sender(AccountSettings a, List<String> errors) {
    Preset preset = a.presetDetails().orElse(null);
    if (preset == null) {
      return;
    }
    if (!a.authenticates()) {
      errors.add("accounts[" + a.id() + "].username is missing but preset " + preset.name() + " requires login: set "
          + "username to " + (preset.fixedUsername() != null ? preset.fixedUsername()
              : "the mailbox address you log in with") + " and passwordEnv to a variable holding its "
          + preset.passwordKind());
      return;
    }
    if (preset.fixedUsername() != null && !preset.fixedUsername().equals(a.username())) {
      errors.add("accounts[" + a.id() + "].username is '" + a.username() + "' but " + preset.name() + " expects the "
          + "literal username '" + preset.fixedUsername() + "' with the " + preset.passwordKind() + " as password: "
          + "set username: " + preset.fixedUsername());
    }
    if (preset.mailFromMustEqualUser() && !address(a.from()).equalsIgnoreCase(address(a.username()))) {
      errors.add("accounts[" + a.id() + "].from is '" + a.from() + "' but username is '" + a.username() + "': "
          + preset.name() + " rejects this with 553 Mail from must equal authorized user; set from to the username");
    }
  }

  /**
   * A VERP return path only where the provider takes an envelope sender of the account's choosing:
   * a preset that does not (by name, or by its host spelled out) would refuse or rewrite every
   * message's MAIL FROM, so such an account correlates bounces by the headers alone.
   */
  private static void returnPath(AccountSettings a, List<String> errors) {
    if (a.returnPath() == null) {
      return;
    }
    a.presetDetails().or(() -> Presets.byHost(a.host())).filter(p -> p.fixedEnvelopeSender() != null)
        .ifPresent(p -> errors.add("accounts[" + a.id() + "].returnPath is '" + a.returnPath() + "' but " + p.name()
            + " (" + p.host() + ") does not take an envelope sender of the account's choosing: "
            + p.fixedEnvelopeSender() + ". Remove returnPath from this account: its bounces are tied to their "
            + "notification by the X-Notifier-Notification-Id and Message-ID headers alone (header-only "
            + "correlation); a return path needs a relay or MTA that accepts any MAIL FROM in your domain"));
  }

  private static void password(AccountSettings a, Function<String, String> env, List<String> errors) {
    String account = "accounts[" + a.id() + "]";
    String kind = a.presetDetails().map(Preset::passwordKind).orElse("password");
    boolean hasEnv = a.passwordEnv() != null && !a.passwordEnv().isBlank();
    boolean hasFile = a.passwordFile() != null && !a.passwordFile().isBlank();
    if (!a.authenticates()) {
      if (hasEnv || hasFile) {
        errors.add(account + "." + (hasEnv ? "passwordEnv" : "passwordFile") + " is set but username is missing, so "
            + "the worker would not log in: set username to the login (usually the mailbox address), or remove "
            + (hasEnv ? "passwordEnv" : "passwordFile"));
      }
      return;
    }
    if (hasEnv && hasFile) {
      errors.add(account + " sets both passwordEnv (" + a.passwordEnv() + ") and passwordFile ('" + a.passwordFile()
          + "'): keep one of them");
    } else if (!hasEnv && !hasFile) {
      errors.add(account + ".username is '" + a.username() + "' but neither passwordEnv nor passwordFile is set: set "
          + "passwordEnv to the name of an environment variable holding the account's " + kind
          + " (never the " + kind + " itself)");
    } else if (hasEnv) {
      String value = env.apply(a.passwordEnv());
      if (value == null || value.isEmpty()) {
        errors.add(account + ".passwordEnv names " + a.passwordEnv() + ", which is " + (value == null ? "not set"
            : "empty") + ": export it with the account's " + kind);
      }
    } else {
      passwordFile(a, kind, errors);
    }
  }

  private static void passwordFile(AccountSettings a, String kind, List<String> errors) {
    String prefix = "accounts[" + a.id() + "].passwordFile is '" + a.passwordFile() + "'";
    try {
      if (Files.readString(Path.of(a.passwordFile()), StandardCharsets.UTF_8).isBlank()) {
        errors.add(prefix + ", which is empty: write the account's " + kind + " into it");
      }
    } catch (IOException | RuntimeException e) {
      // the exception names the path and the reason, never the content
      String why = e instanceof NoSuchFileException ? "no such file"
          : e instanceof AccessDeniedException ? "permission denied" : e.getClass().getSimpleName();
      errors.add(prefix + ", which cannot be read (" + why + "): check the path and that "
          + "the worker's user may read it");
    }
  }

  private static void certificate(AccountSettings a, List<String> errors) {
    try {
      a.trustedCertificate();
    } catch (IllegalStateException e) {
      errors.add(e.getMessage());
    }
  }

  /** The address in "Name &lt;addr&gt;" or "addr". */
  private static String address(String mailbox) {
    int open = mailbox.lastIndexOf('<');
    int close = mailbox.lastIndexOf('>');
    return (open >= 0 && close > open ? mailbox.substring(open + 1, close) : mailbox).strip();
  }

  private static String name(Security security) {
    return security.name().toLowerCase(Locale.ROOT);
  }
}
