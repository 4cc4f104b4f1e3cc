package dev.notifier.testkit.smtp;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import javax.net.ssl.SSLContext;

/**
 * The fixed settings every connection of one server shares; built and validated by
 * {@link ScriptableSmtpServer.Builder}.
 */
final class SmtpServerConfig {

    final String serverName;
    final TlsMode tlsMode;
    final boolean advertiseStartTls;
    final boolean requireStartTls;
    final boolean advertisePipelining;
    final Map<String, String> credentials;
    final boolean requireAuth;
    final Duration idleTimeout;
    final long maxMessageBytes;
    final SSLContext sslContext;
    final Clock clock;

    SmtpServerConfig(String serverName, TlsMode tlsMode, boolean advertiseStartTls, boolean requireStartTls,
            boolean advertisePipelining, Map<String, String> credentials, boolean requireAuth, Duration idleTimeout,
            long maxMessageBytes, SSLContext sslContext, Clock clock) {
        this.serverName = serverName;
        this.tlsMode = tlsMode;
        this.advertiseStartTls = advertiseStartTls;
        this.requireStartTls = requireStartTls;
        this.advertisePipelining = advertisePipelining;
        this.credentials = Map.copyOf(credentials);
        this.requireAuth = requireAuth;
        this.idleTimeout = idleTimeout;
        this.maxMessageBytes = maxMessageBytes;
        this.sslContext = sslContext;
        this.clock = clock;
    }

    boolean offersStartTls() {
        return tlsMode == TlsMode.STARTTLS && advertiseStartTls;
    }

    boolean offersAuth() {
        return !credentials.isEmpty();
    }
}
