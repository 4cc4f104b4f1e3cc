package dev.notifier.testkit.smtp;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A {@link ScriptableSmtpServer} that accepts every message, as its own process: the development inbox of
 * deploy/compose.yaml and the SMTP server of the container tests, run from the notifier image. It listens on
 * every interface (so other containers reach it) and prints one line per message it accepted on stdout,
 * {@code RECEIVED <Message-ID> rcpt=<count> subject=<Subject>}, then forgets the message. No recipient address is
 * printed (the workers' own logs show them only at DEBUG). Plain SMTP, no AUTH: never a relay.
 *
 * <p>Arguments (optional): {@code --port N} (default 1025). The process runs until it is killed; on start it
 * prints {@code SMTP READY <port>}.
 */
public final class SmtpSinkMain {

    private static final Duration POLL = Duration.ofSeconds(10);

    private SmtpSinkMain() {
    }

    public static void main(String[] args) throws UnknownHostException {
        int port = parsePort(args);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        ScriptableSmtpServer smtp = ScriptableSmtpServer.builder().bindAddress(InetAddress.getByName("0.0.0.0"))
                .port(port).serverName("smtp.notifier.local").idleTimeout(Duration.ofMinutes(5)).start();
        Runtime.getRuntime().addShutdownHook(new Thread(smtp::close, "smtp-sink-shutdown"));
        out.println("SMTP READY " + smtp.port());
        while (!Thread.currentThread().isInterrupted()) {
            for (ReceivedMessage message : smtp.takeMessages(POLL)) {
                out.println("RECEIVED " + message.messageId().orElse("<none>") + " rcpt="
                        + message.recipients().size() + " subject=" + message.subject().orElse(""));
            }
        }
    }

    static int parsePort(String[] args) {
        if (args.length == 0) {
            return 1025;
        }
        if (args.length == 2 && args[0].equals("--port")) {
            return Integer.parseInt(args[1]);
        }
        throw new IllegalArgumentException("arguments " + String.join(" ", args) + "; usage: SmtpSinkMain [--port N]");
    }
}
