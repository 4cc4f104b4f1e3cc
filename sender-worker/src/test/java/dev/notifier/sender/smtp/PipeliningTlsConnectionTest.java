package dev.notifier.sender.smtp;

import dev.notifier.sender.config.Transport;

/** {@link TlsConnectionTest}'s TLS, STARTTLS and AUTH cases on the pipelining client. */
class PipeliningTlsConnectionTest extends TlsConnectionTest {

  @Override
  Transport transport() {
    return Transport.PIPELINING;
  }
}
