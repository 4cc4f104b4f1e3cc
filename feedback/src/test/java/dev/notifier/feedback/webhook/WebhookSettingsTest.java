package dev.notifier.feedback.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SendGrid's verification key inline or from an environment variable (a Secret), never both, never printed. */
class WebhookSettingsTest {

  @Test
  void theKeyComesFromTheVariableTheConfigNames() {
    WebhookSettings settings = new WebhookSettings("0.0.0.0", 8089, null, null, "SENDGRID_KEY");

    assertThat(settings.sendgridKey(Map.of("SENDGRID_KEY", " MFkw-key \n")::get)).isEqualTo("MFkw-key");
    assertThat(new WebhookSettings(null, null, null, "MFkw-inline").sendgridKey(name -> null)).isEqualTo("MFkw-inline");
    assertThat(new WebhookSettings(null, null, List.of("arn:aws:sns:eu-west-1:1:t"), null).sendgridKey(name -> null))
        .as("SendGrid not served").isNull();
  }

  @Test
  void anUnsetVariableOrBothWaysAreRefusedNamingTheKeys() {
    WebhookSettings settings = new WebhookSettings(null, null, null, null, "SENDGRID_KEY");
    assertThatThrownBy(() -> settings.sendgridKey(name -> null)).isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("webhooks.sendgridVerificationKeyEnv names SENDGRID_KEY, which is not set");
    assertThatThrownBy(() -> new WebhookSettings(null, null, null, "MFkw-inline", "SENDGRID_KEY"))
        .hasMessage("webhooks: set sendgridVerificationKey or sendgridVerificationKeyEnv (SENDGRID_KEY), not both");
    assertThatThrownBy(() -> new WebhookSettings(null, null, null, " ", null).requireSomethingToServe(false))
        .hasMessageContaining("an unsigned webhook is never accepted");
  }
}
