package dev.notifier.cli.feedback;

import dev.notifier.avro.Feedback;
import dev.notifier.avro.FeedbackKind;
import dev.notifier.cli.config.NotifierConfig;
import dev.notifier.cli.management.ManagementOptions;
import dev.notifier.cli.management.ManagementServer;
import dev.notifier.cli.management.ProcessMetrics;
import dev.notifier.cli.ops.OpsCommand;
import dev.notifier.cli.ops.OpsException;
import dev.notifier.feedback.imap.BounceMailbox;
import dev.notifier.feedback.imap.MailboxSettings;
import jakarta.mail.MessagingException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code notifier bounces --config FILE}: reads the bounce mailbox of the config's {@code bounces}
 * section over IMAP, every {@code pollInterval}, and writes what its DSNs, complaint reports and plain
 * bounces say to {@code notifier.feedback}, where the streams app's policy turns them into
 * suppressions. One line per pass that read anything; {@code --once} reads once and exits.
 *
 * <p>Running (without {@code --once}) it serves its counters and health on the management endpoint
 * ({@code management.port}, or {@code --management-port}), like {@code streams} and {@code worker}:
 * see {@link BouncePasses}.
 */
@Command(name = "bounces", mixinStandardHelpOptions = true,
    description = {"Read the bounce mailbox (the config's bounces section) over IMAP into notifier.feedback.",
        "DSNs (RFC 3464), abuse reports (RFC 5965) and the plain bounces of QQ and 163 become hard bounces, soft "
            + "bounces and complaints; messages read are flagged seen once Kafka has their feedback."})
public final class BouncesCommand extends OpsCommand {

  @Option(names = "--once", description = "read the mailbox once and exit (no management endpoint)")
  boolean once;

  @Mixin
  ManagementOptions management;

  @Override
  protected int run() throws InterruptedException {
    NotifierConfig config = kafka.configFile();
    if (config == null || config.bounces() == null) {
      throw new OpsException("no bounce mailbox configured: pass --config FILE with a bounces section (host, "
          + "username, passwordEnv or passwordFile; see config/example.yaml)");
    }
    MailboxSettings mailbox = config.bounces();
    BounceMailbox reader = new BounceMailbox(mailbox, clock);
    try (ProcessMetrics metrics = new ProcessMetrics();
        FeedbackWriter writer = new FeedbackWriter(kafka.settings().clientProperties(), kafka.settings().topics(),
            "notifier bounces")) {
      BouncePasses passes = new BouncePasses(metrics.registry());
      if (once) {
        pass(reader, writer, mailbox, passes);
        return 0;
      }
      try (ManagementServer server = ManagementServer.start(management.apply(config.management()), metrics,
          passes)) {
        while (true) {
          pass(reader, writer, mailbox, passes);
          Thread.sleep(mailbox.pollInterval().toMillis());
        }
      }
    }
  }

  private void pass(BounceMailbox reader, FeedbackWriter writer, MailboxSettings mailbox, BouncePasses passes) {
    try {
      BounceMailbox.Pass pass = reader.drain(writer::write);
      passes.passed(pass);
      if (pass.messages() > 0 || once) {
        out().println(mailbox.source() + ": " + pass.messages() + " message(s), " + pass.reports() + " report(s), "
            + pass.feedback().size() + " feedback record(s)" + counts(pass.feedback()));
        out().flush();
      }
    } catch (MessagingException e) {
      String what = mailbox.source() + " cannot be read: " + e.getMessage()
          + " (check bounces.host, port, security, username and the password)";
      passes.failed(what);
      if (once) {
        throw new OpsException(what, e);
      }
      err().println("notifier: " + what + "; trying again in " + mailbox.pollInterval());
      err().flush();
    }
  }

  private static String counts(List<Feedback> feedback) {
    if (feedback.isEmpty()) {
      return "";
    }
    Map<FeedbackKind, Long> by = feedback.stream()
        .collect(Collectors.groupingBy(Feedback::getKind, () -> new EnumMap<>(FeedbackKind.class),
            Collectors.counting()));
    return " (" + by.entrySet().stream().map(e -> e.getKey().name().toLowerCase(java.util.Locale.ROOT)
        .replace('_', '-') + " " + e.getValue()).collect(Collectors.joining(", ")) + ")";
  }
}
