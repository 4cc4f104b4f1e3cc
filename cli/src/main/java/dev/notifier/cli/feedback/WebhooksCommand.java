package dev.notifier.cli.feedback;

import dev.notifier.cli.config.NotifierConfig;
import dev.notifier.cli.management.Health;
import dev.notifier.cli.management.ManagementOptions;
import dev.notifier.cli.management.ManagementServer;
import dev.notifier.cli.management.ProcessMetrics;
import dev.notifier.cli.ops.OpsCommand;
import dev.notifier.cli.ops.OpsException;
import dev.notifier.feedback.webhook.SendGridVerifier;
import dev.notifier.schemas.UnsubscribeTokens;
import dev.notifier.feedback.webhook.SnsCertificates;
import dev.notifier.feedback.webhook.SnsVerifier;
import dev.notifier.feedback.webhook.WebhookReceiver;
import dev.notifier.feedback.webhook.WebhookSettings;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code notifier webhooks --config FILE}: the provider webhook receiver of the config's
 * {@code webhooks} section, writing verified feedback to {@code notifier.feedback} until SIGTERM.
 * Refused requests are counted by provider and reason, and the counts printed every ten minutes when
 * they changed, and at the end — one line, not one per request, however many a flood sends.
 *
 * <p>The counts are also meters on the management endpoint ({@code management.port}, or
 * {@code --management-port}), as for {@code streams} and {@code worker}:
 * {@code notifier_webhook_requests_refused_total{provider,reason}} and
 * {@code notifier_webhook_feedback_accepted_total{provider}}; it is live and ready while the receiver
 * listens.
 */
@Command(name = "webhooks", mixinStandardHelpOptions = true,
    description = {"Receive provider webhooks (Amazon SES through SNS, SendGrid's signed event webhook) and "
        + "one-click unsubscribes into notifier.feedback.", "Only requests with a valid signature are accepted; the rest are refused and counted."})
public final class WebhooksCommand extends OpsCommand {

  @Mixin
  ManagementOptions management;

  @Override
  protected int run() throws Exception {
    NotifierConfig config = kafka.configFile();
    if (config == null || config.webhooks() == null) {
      throw new OpsException("no webhooks configured: pass --config FILE with a webhooks section (sesTopicArns "
          + "and/or sendgridVerificationKey or sendgridVerificationKeyEnv, or an unsubscribe section; see "
          + "config/example.yaml)");
    }
    WebhookSettings w;
    UnsubscribeTokens unsubscribe;
    try {
      w = config.webhooks().requireSomethingToServe(config.unsubscribe() != null);
      unsubscribe = config.unsubscribe() == null ? null : config.unsubscribe().tokens(System::getenv);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new OpsException(e.getMessage(), e);
    }
    SnsVerifier ses = w.sesTopicArns().isEmpty() ? null
        : new SnsVerifier(new HashSet<>(w.sesTopicArns()), new SnsCertificates(), clock);
    String sendgridKey;
    try {
      sendgridKey = w.sendgridKey(System::getenv);
    } catch (IllegalStateException e) {
      throw new OpsException(e.getMessage(), e);
    }
    SendGridVerifier sendgrid = sendgridKey == null ? null : new SendGridVerifier(sendgridKey, clock);
    CountDownLatch stop = new CountDownLatch(1);
    try (ProcessMetrics metrics = new ProcessMetrics();
        FeedbackWriter writer = new FeedbackWriter(kafka.settings().clientProperties(), kafka.settings().topics(),
            "notifier webhooks");
        WebhookReceiver receiver = new WebhookReceiver(new InetSocketAddress(w.host(), w.port()), ses, sendgrid,
            unsubscribe, writer::write, metrics.registry(), clock);
        ManagementServer server = ManagementServer.start(management.apply(config.management()), metrics,
            Health.all(List.of()))) {
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "notifier-webhooks-shutdown"));
      List<String> paths = new java.util.ArrayList<>();
      if (ses != null) {
        paths.add("/webhooks/ses");
      }
      if (sendgrid != null) {
        paths.add("/webhooks/sendgrid");
      }
      if (unsubscribe != null) {
        paths.add("/unsubscribe/");
      }
      out().println("receiving webhooks on http://" + w.host() + ":" + receiver.port() + " "
          + String.join(" ", paths));
      out().flush();
      Map<String, Long> shown = Map.of();
      while (!stop.await(10, TimeUnit.MINUTES)) {
        shown = report(receiver, shown);
      }
      report(receiver, shown);
    }
    return 0;
  }

  private Map<String, Long> report(WebhookReceiver receiver, Map<String, Long> shown) {
    Map<String, Long> now = receiver.refusals();
    if (!now.equals(shown)) {
      out().println("accepted " + receiver.accepted() + "; refused " + now);
      out().flush();
    }
    return now;
  }
}
