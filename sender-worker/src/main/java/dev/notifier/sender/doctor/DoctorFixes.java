package dev.notifier.sender.doctor;

/**
 * The fixes only the doctor can give, because only it looks below the SMTP dialogue (a resolver
 * that hangs, a connect that times out, a TLS mode that does not fit the port, the certificate's
 * names and dates). Everything about a server's reply, and about a refused connection or an
 * unknown host, comes from the worker's table ({@link dev.notifier.sender.retry.ReplyClassifier}),
 * so the check and the worker always give the same advice.
 */
final class DoctorFixes {

  private DoctorFixes() {
  }

  static final String DNS_TIMEOUT = "the resolver did not answer: check that /etc/resolv.conf is readable by this"
      + " user and that its nameserver is reachable (try: getent hosts <host>; in a container, the DNS settings"
      + " of the runtime)";
  static final String CONNECT_TIMEOUT = "nothing answered the connect: a firewall or cloud security group is"
      + " dropping packets to this port, or the host is down; many cloud providers block outbound port 25 —"
      + " use 465 (ssl) or 587 (starttls); on SELinux hosts a web server needs setsebool -P httpd_can_sendmail 1";
  static final String PLAINTEXT_AUTH = "use security: starttls (587 or 25) or ssl (465); only for a relay on this"
      + " host or a network you trust, set allowPlaintextAuth: true on the account (smtp-check ad hoc:"
      + " --allow-plaintext-auth)";
  static final String PLAIN_ON_SSL = "the server speaks plain SMTP here: use security: starttls (587/25) or port"
      + " 465 for ssl";
  static final String IMPLICIT_ON_PLAIN = "this port expects implicit TLS: use security: ssl (465/994), or the"
      + " provider's STARTTLS port 587 with security: starttls";
  static final String NO_STARTTLS = "the server does not offer STARTTLS on this port, so the worker (which requires"
      + " it) would refuse to send: use the provider's implicit-TLS port 465 with security: ssl, or its submission"
      + " port 587 with security: starttls; security: none only for a local relay";
  static final String HOST_MISMATCH = "the certificate does not name the host connected to: set host to a name"
      + " the certificate lists (the provider's SMTP host, not an IP address or an alias); only for a private"
      + " relay whose certificate cannot be fixed, set checkServerIdentity: false";
  static final String UNTRUSTED = "the certificate chain is not trusted by the JDK's trust store: for a company"
      + " relay with a private CA, set trustCertificate (smtp-check: --trust-certificate PATH) to the CA's or the"
      + " server's certificate; a public provider failing here suggests a proxy or antivirus intercepting TLS";
  static final String EXPIRED = "the server's certificate has expired or is not yet valid: the server's"
      + " administrator must renew it (also check this machine's clock)";
  static final String TRUST_CERTIFICATE = "point trustCertificate (--trust-certificate) at a readable PEM or DER"
      + " X.509 certificate, or leave it out to trust only the JDK's trust store";
}
