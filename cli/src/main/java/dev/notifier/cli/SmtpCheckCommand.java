package dev.notifier.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.notifier.cli.config.ConfigFile;
import dev.notifier.cli.config.NotifierConfig;
import dev.notifier.cli.ops.Json;
import dev.notifier.cli.ops.TerminalText;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.Security;
import dev.notifier.sender.doctor.CheckReport;
import dev.notifier.sender.doctor.CheckRequest;
import dev.notifier.sender.doctor.SmtpDoctor;
import dev.notifier.sender.doctor.StepResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code notifier smtp-check}: walks one account through DNS, TCP, TLS, EHLO, AUTH, MAIL, RCPT and
 * optionally a test message, and stops at the first failing step with its cause and the fix (see
 * {@link SmtpDoctor}). The account comes from a config file or is described on the command line.
 */
@Command(name = "smtp-check", sortOptions = false, usageHelpAutoWidth = true,
    description = {"Check that an SMTP account can deliver: DNS -> TCP -> TLS (implicit or STARTTLS: certificate "
        + "chain, expiry, host name) -> EHLO -> AUTH -> MAIL FROM -> RCPT (with --to) -> a test message (with "
        + "--send). Stops at the first failing step with its cause and the fix.",
        "The account comes from the config (--config FILE --account ID) or is given ad hoc (--host/--port/--security "
        + "or --preset). The password is read from an environment variable or a file, never from the command line."},
    footer = {"", "Exit status: 0 every step passed; 1 a step failed; 2 bad arguments or config.", "",
        "Examples:",
        "  notifier smtp-check --config notifier.yaml --account company --to me@x.com",
        "  notifier smtp-check --preset qq --user 12345@qq.com --password-env QQ_CODE \\",
        "      --to me@example.com --send",
        "  notifier smtp-check --host relay.internal --port 587 --security starttls \\",
        "      --trust-certificate ca.pem --transcript"})
final class SmtpCheckCommand implements Callable<Integer> {

  private static final String AD_HOC_ID = "smtp-check";

  @Spec
  CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML config file holding the account")
  Path config;

  @Option(names = "--account", paramLabel = "ID", description = "id of the account in --config to check")
  String account;

  @Option(names = "--host", paramLabel = "HOST", description = "ad hoc: the SMTP server's host name")
  String host;

  @Option(names = "--port", paramLabel = "PORT", description = "ad hoc: 465 (ssl), 587 (starttls), 25")
  Integer port;

  @Option(names = "--security", paramLabel = "MODE", description = "ad hoc: ssl, starttls or none (default: by "
      + "port, or the preset's)")
  String security;

  @Option(names = "--preset", paramLabel = "NAME", description = "ad hoc: fills host, port and security: qq, "
      + "qq-exmail, 163, 126, aliyun, aliyun-directmail, sendgrid, gmail, outlook, hotmail, yahoo, icloud, zoho")
  String preset;

  @Option(names = "--user", paramLabel = "USER", description = "ad hoc: log in as USER")
  String user;

  @Option(names = "--password-env", paramLabel = "VAR", description = "ad hoc: environment variable holding the "
      + "password (or authorization code)")
  String passwordEnv;

  @Option(names = "--password-file", paramLabel = "FILE", description = "ad hoc: file holding the password")
  String passwordFile;

  @Option(names = "--allow-plaintext-auth", description = "ad hoc, with --security none: log in although the "
      + "password crosses the network in clear (a relay on this host or a trusted network only)")
  boolean allowPlaintextAuth;

  @Option(names = "--from", paramLabel = "ADDRESS", description = "ad hoc: envelope sender (default: --user when it "
      + "is an address)")
  String from;

  @Option(names = "--to", paramLabel = "ADDRESS", description = "also check RCPT TO for this recipient")
  String to;

  @Option(names = "--send", description = "also deliver a test message to --to")
  boolean send;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s", converter = TimeoutConverter.class,
      description = "bound on every network wait: 10s, 500ms, 1m or PT10S (default: ${DEFAULT-VALUE})")
  Duration timeout;

  @Option(names = "--trust-certificate", paramLabel = "PATH", description = "PEM or DER certificate trusted in "
      + "addition to the JDK's trust store (overrides the account's trustCertificate)")
  String trustCertificate;

  @Option(names = "--ehlo", paramLabel = "NAME", description = "name to send in EHLO (overrides the account's "
      + "ehloName)")
  String ehlo;

  @Option(names = "--transcript", description = "print the SMTP dialogue, AUTH secrets masked")
  boolean transcript;

  @Option(names = "--json", description = "print the report as JSON")
  boolean json;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
  boolean help;

  @Override
  public Integer call() throws JsonProcessingException {
    CheckRequest request = new CheckRequest(account(), to, send, timeout);
    CheckReport report = new SmtpDoctor(System::getenv).check(request);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(json(report));
    } else {
      print(out, report);
    }
    out.flush();
    return report.passed() ? 0 : 1;
  }

  private AccountSettings account() {
    boolean adHoc = host != null || port != null || security != null || preset != null || user != null
        || passwordEnv != null || passwordFile != null || from != null;
    if (config != null || account != null) {
      if (adHoc) {
        throw new IllegalArgumentException("--host, --port, --security, --preset, --user, --password-env, "
            + "--password-file and --from describe an ad hoc account; with --config and --account the account comes "
            + "from the file: leave them out");
      }
      return overridden(fromConfig());
    }
    if (!adHoc) {
      throw new IllegalArgumentException("smtp-check needs an account: --config FILE --account ID, or --host HOST "
          + "--port PORT --security ssl|starttls|none (or --preset NAME)");
    }
    return adHoc();
  }

  private AccountSettings fromConfig() {
    if (config == null) {
      throw new IllegalArgumentException("--account " + account + " needs --config FILE, the config that holds it");
    }
    NotifierConfig cfg = ConfigFile.load(config);
    String ids = cfg.accounts().stream().map(AccountSettings::id).collect(Collectors.joining(", "));
    if (account == null) {
      throw new IllegalArgumentException("--config needs --account ID: the accounts in " + config + " are " + ids);
    }
    return cfg.accounts().stream().filter(a -> a.id().equals(account)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("--account '" + account + "' is not in " + config
            + ": its accounts are " + ids));
  }

  private AccountSettings overridden(AccountSettings a) {
    return new AccountSettings(a.id(), a.host(), a.port(), a.security(), a.from(), a.username(), a.passwordEnv(),
        a.passwordFile(), ehlo != null ? ehlo : a.ehloName(), a.connectTimeout(), a.readTimeout(), a.teams(),
        a.systemDefault(), a.enabled(), a.preset(), a.checkServerIdentity(),
        trustCertificate != null ? trustCertificate : a.trustCertificate(), a.poolSize(), a.limits())
        .withPlaintextAuth(a.allowPlaintextAuth()).withReturnPath(a.returnPath());
  }

  private AccountSettings adHoc() {
    if (host == null && preset == null) {
      throw new IllegalArgumentException("--host is missing: give the SMTP server's host name, or --preset NAME");
    }
    if (port == null && preset == null) {
      throw new IllegalArgumentException("--port is missing: use 465 (ssl), 587 (starttls) or 25, or --preset NAME");
    }
    if ((passwordEnv != null || passwordFile != null) && user == null) {
      throw new IllegalArgumentException("--password-env and --password-file need --user: the login to use");
    }
    if (user != null && passwordEnv == null && passwordFile == null) {
      throw new IllegalArgumentException("--user " + user + " needs --password-env VAR or --password-file FILE: the "
          + "password is never given on the command line");
    }
    if (passwordEnv != null && passwordFile != null) {
      throw new IllegalArgumentException("give --password-env or --password-file, not both");
    }
    Security mode = security == null ? null : Security.parse(security);
    return AccountSettings.fromConfig(AD_HOC_ID, preset, host, port, mode, from != null ? from : defaultFrom(), user,
        passwordEnv, passwordFile, ehlo, null, null, null, false, true, null, trustCertificate, null, null, null, null,
        null, null, allowPlaintextAuth, null, null, null, null);
  }

  /** The login when it is an address (most providers require that), else a local placeholder. */
  private String defaultFrom() {
    return user != null && user.contains("@") ? user
        : "smtp-check@" + (ehlo != null ? ehlo : "localhost.localdomain");
  }

  /**
   * The report as text for a terminal. Every line goes through {@link TerminalText}: the steps'
   * details and the transcript quote what the server said, and a hostile server could otherwise
   * clear, retitle or rewrite the operator's terminal with escape sequences in its replies.
   */
  private void print(PrintWriter out, CheckReport report) {
    AccountSettings a = report.account();
    out.println(TerminalText.clean("smtp-check: " + (AD_HOC_ID.equals(a.id()) ? "" : "account " + a.id() + ", ")
        + a.host() + ":" + a.port() + " (" + name(a.security()) + "), from " + a.from()
        + (a.authenticates() ? ", login " + a.username() : ", no login") + ", time-out " + seconds(timeout)));
    for (StepResult r : report.steps()) {
      out.println(TerminalText.clean(line(r)));
    }
    if (transcript) {
      out.println("SMTP transcript (AUTH secrets masked):");
      report.transcript().forEach(l -> out.println("  " + TerminalText.clean(l)));
    }
    out.println(TerminalText.clean(summary(report)));
  }

  private static String line(StepResult r) {
    String marker = switch (r.status()) {
      case PASSED -> "[ok]  ";
      case FAILED -> "[FAIL]";
      case SKIPPED -> "[skip]";
    };
    String text = String.format(Locale.ROOT, "%s %-5s %s", marker, r.step(), r.detail());
    if (r.status() == StepResult.Status.SKIPPED) {
      return text;
    }
    text += " (" + r.elapsed().toMillis() + " ms)";
    return r.failed() ? text + " -- cause: " + r.cause() + "; fix: " + r.fix() : text;
  }

  private static String summary(CheckReport report) {
    return report.failure()
        .map(f -> "smtp-check: FAILED at " + f.step() + " (" + f.cause() + ")")
        .orElseGet(() -> {
          List<String> notRun = report.steps().stream().filter(r -> !r.ok()).map(r -> r.step().name()).toList();
          return "smtp-check: all " + report.passedCount() + " steps passed"
              + (notRun.isEmpty() ? "" : " (not requested: " + String.join(", ", notRun) + ")");
        });
  }

  private String json(CheckReport report) throws JsonProcessingException {
    AccountSettings a = report.account();
    Map<String, Object> account = new LinkedHashMap<>();
    account.put("id", a.id());
    account.put("host", a.host());
    account.put("port", a.port());
    account.put("security", name(a.security()));
    account.put("from", a.from());
    account.put("username", a.username());
    account.put("preset", a.preset());
    List<Map<String, Object>> steps = new ArrayList<>();
    for (StepResult r : report.steps()) {
      Map<String, Object> step = new LinkedHashMap<>();
      step.put("step", r.step().name());
      step.put("status", r.status().name().toLowerCase(Locale.ROOT));
      step.put("detail", r.detail());
      step.put("cause", r.cause());
      step.put("fix", r.fix());
      step.put("elapsedMs", r.elapsed().toMillis());
      steps.add(step);
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("passed", report.passed());
    root.put("failedStep", report.failure().map(f -> f.step().name()).orElse(null));
    root.put("account", account);
    root.put("timeoutMs", timeout.toMillis());
    root.put("steps", steps);
    if (transcript) {
      root.put("transcript", report.transcript());
    }
    // the operator tools' writer: the server's replies in details and transcript may hold C1 controls
    return Json.pretty(root);
  }

  private static String name(Security security) {
    return security.name().toLowerCase(Locale.ROOT);
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  /** "10s", "500ms", "2m", "10" (seconds) or ISO-8601 "PT10S". */
  static final class TimeoutConverter implements ITypeConverter<Duration> {
    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m)?");

    @Override
    public Duration convert(String value) {
      String v = value.strip().toLowerCase(Locale.ROOT);
      Matcher m = SHORT.matcher(v);
      try {
        if (m.matches()) {
          long n = Long.parseLong(m.group(1));
          String unit = m.group(2) == null ? "s" : m.group(2);
          return unit.equals("ms") ? Duration.ofMillis(n) : unit.equals("m") ? Duration.ofMinutes(n)
              : Duration.ofSeconds(n);
        }
        return Duration.parse(value.strip().toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException | NumberFormatException e) {
        throw new TypeConversionException("--timeout '" + value + "' is not a duration: use e.g. 10s, 500ms, 1m "
            + "or PT10S");
      }
    }
  }
}
