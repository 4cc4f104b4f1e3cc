package dev.notifier.testkit.smtp;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of one SMTP connection, run on its own thread: greeting, then one command at a
 * time until QUIT, the client disconnecting, the idle timeout (the socket read timeout) or the
 * server closing it.
 *
 * <p>At every {@link Stage} the session first honours the {@link ReplyScript}'s delay or hang, then
 * checks protocol state as a real server would (e.g. RCPT before MAIL is a 503), then asks the
 * script for a reply: a scripted 2xx/3xx lets the command take effect with the scripted text, any
 * other code rejects it. A 421, scripted or not, is followed by closing the connection.
 */
final class SmtpSession implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpSession.class);
    private static final int MAX_RECIPIENTS = 1000;

    private final long id;
    private final Socket socket;
    private final SmtpServerConfig config;
    private final ReplyScript script;
    private final Mailbox mailbox;
    private final Transcript transcript;
    private final Consumer<SmtpSession> onEnd;
    private final CountDownLatch closed = new CountDownLatch(1);

    private SmtpChannel channel;
    private volatile boolean open = true; // also cleared by close() from other threads
    private String helo;
    private String user;
    private String mailFrom;
    private final List<String> recipients = new ArrayList<>();

    SmtpSession(long id, Socket socket, SmtpServerConfig config, ReplyScript script, Mailbox mailbox,
            Transcript transcript, Consumer<SmtpSession> onEnd) {
        this.id = id;
        this.socket = socket;
        this.config = config;
        this.script = script;
        this.mailbox = mailbox;
        this.transcript = transcript;
        this.onEnd = onEnd;
    }

    @Override
    public void run() {
        try {
            socket.setSoTimeout(Math.toIntExact(config.idleTimeout.toMillis()));
            channel = new SmtpChannel(socket);
            greet();
            while (open) {
                String line = channel.readLine();
                if (line == null) {
                    transcript.event("client closed the connection");
                    break;
                }
                if (channel.hasBufferedInput()) {
                    mailbox.pipelined();
                }
                handle(line);
            }
        } catch (SocketTimeoutException e) {
            transcript.event("idle timeout after " + config.idleTimeout + ", closing");
        } catch (IOException e) {
            transcript.event("connection ended: " + e);
            LOG.debug("SMTP connection {} ended: {}", id, e.toString());
        } finally {
            close();
            onEnd.accept(this);
        }
    }

    /** Closes the connection from any thread; releases a session that is delaying or hanging. */
    void close() {
        open = false;
        closed.countDown();
        try {
            socket.close();
        } catch (IOException ignored) {
            // best effort: the socket is unusable either way
        }
    }

    private void greet() throws IOException {
        String client = socket.getInetAddress().getHostAddress();
        if (!proceed(Stage.CONNECT)) {
            return;
        }
        if (config.tlsMode == TlsMode.IMPLICIT) {
            channel.startTls(config.sslContext);
            transcript.event("TLS negotiated (implicit)");
        }
        reply(script.nextReply(Stage.CONNECT, client).orElse("220 " + config.serverName + " ESMTP notifier testkit"));
    }

    private void handle(String line) throws IOException {
        int space = line.indexOf(' ');
        String verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
        String argument = space < 0 ? "" : line.substring(space + 1).trim();
        transcript.client(verb.equals("AUTH") ? "AUTH " + argument.split(" ", 2)[0] + " ****" : line);
        switch (verb) {
            case "EHLO" -> hello(argument, true);
            case "HELO" -> hello(argument, false);
            case "STARTTLS" -> startTls(argument);
            case "AUTH" -> auth(argument);
            case "MAIL" -> mail(argument);
            case "RCPT" -> rcpt(argument);
            case "DATA" -> data(argument);
            case "RSET" -> {
                resetTransaction();
                reply("250 2.0.0 Ok");
            }
            case "NOOP" -> reply("250 2.0.0 Ok");
            case "VRFY" -> reply("252 2.0.0 Cannot VRFY user");
            case "" -> reply("500 5.5.2 Error: bad syntax");
            case "QUIT" -> {
                reply("221 2.0.0 Bye");
                open = false;
            }
            default -> reply("502 5.5.2 Error: command not recognized");
        }
    }

    private void hello(String argument, boolean extended) throws IOException {
        if (argument.isEmpty()) {
            reply("501 5.5.4 Syntax: " + (extended ? "EHLO" : "HELO") + " hostname");
            return;
        }
        Optional<String> scripted = scripted(Stage.EHLO, argument);
        if (scripted == null) {
            return;
        }
        resetTransaction();
        helo = argument;
        reply(scripted.orElseGet(() -> extended ? ehloReply() : "250 " + config.serverName));
    }

    private String ehloReply() {
        List<String> lines = new ArrayList<>(List.of(config.serverName,
                "SIZE " + config.maxMessageBytes, "8BITMIME"));
        if (config.advertisePipelining) {
            lines.add("PIPELINING");
        }
        lines.add("ENHANCEDSTATUSCODES");
        if (config.offersStartTls() && !channel.isTls()) {
            lines.add("STARTTLS");
        }
        if (config.offersAuth()) {
            lines.add("AUTH PLAIN LOGIN");
        }
        StringBuilder reply = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            reply.append(i > 0 ? "\n" : "").append(i < lines.size() - 1 ? "250-" : "250 ").append(lines.get(i));
        }
        return reply.toString();
    }

    private void startTls(String argument) throws IOException {
        if (!config.offersStartTls()) {
            reply("502 5.5.1 Error: command not implemented");
        } else if (channel.isTls()) {
            reply("503 5.5.1 Error: TLS already active");
        } else if (!argument.isEmpty()) {
            reply("501 5.5.4 Syntax: STARTTLS");
        } else {
            reply("220 2.0.0 Ready to start TLS");
            channel.startTls(config.sslContext);
            transcript.event("TLS negotiated (STARTTLS)");
            helo = null; // RFC 3207: the client must start over with EHLO
            user = null;
            resetTransaction();
        }
    }

    private void auth(String argument) throws IOException {
        if (!config.offersAuth()) {
            reply("503 5.5.1 Error: authentication not enabled");
        } else if (helo == null) {
            reply("503 5.5.1 Error: send HELO/EHLO first");
        } else if (user != null) {
            reply("503 5.5.1 Error: already authenticated");
        } else if (mailFrom != null) {
            reply("503 5.5.1 Error: MAIL transaction in progress");
        } else if (argument.isEmpty()) {
            reply("501 5.5.4 Syntax: AUTH mechanism");
        } else if (proceed(Stage.AUTH)) {
            Optional<String> scripted = script.nextReply(Stage.AUTH, argument);
            if (scripted.isPresent()) {
                // a scripted reply answers AUTH outright; a 2xx one authenticates as "scripted"
                user = SmtpReplies.isPositive(scripted.get()) ? "scripted" : null;
                reply(scripted.get());
            } else {
                user = new SmtpAuthExchange(channel, transcript, config.credentials).run(argument);
            }
        }
    }

    private void mail(String argument) throws IOException {
        String address = path(argument, "FROM:");
        if (helo == null) {
            reply("503 5.5.1 Error: send HELO/EHLO first");
        } else if (config.requireStartTls && !channel.isTls()) {
            reply("530 5.7.0 Must issue a STARTTLS command first");
        } else if (config.requireAuth && user == null) {
            reply("530 5.7.0 Authentication required");
        } else if (mailFrom != null) {
            reply("503 5.5.1 Error: nested MAIL command");
        } else if (address == null) {
            reply("501 5.5.4 Syntax: MAIL FROM:<address>");
        } else {
            Optional<String> scripted = scripted(Stage.MAIL, argument);
            if (scripted != null) {
                mailFrom = address;
                reply(scripted.orElse("250 2.1.0 Ok"));
            }
        }
    }

    private void rcpt(String argument) throws IOException {
        String address = path(argument, "TO:");
        if (mailFrom == null) {
            reply("503 5.5.1 Error: need MAIL command");
        } else if (address == null || address.isEmpty()) {
            reply("501 5.5.4 Syntax: RCPT TO:<address>");
        } else if (recipients.size() >= MAX_RECIPIENTS) {
            reply("452 4.5.3 Error: too many recipients");
        } else {
            Optional<String> scripted = scripted(Stage.RCPT, argument);
            if (scripted != null) {
                recipients.add(address);
                reply(scripted.orElse("250 2.1.5 Ok"));
            }
        }
    }

    private void data(String argument) throws IOException {
        if (mailFrom == null) {
            reply("503 5.5.1 Error: need MAIL command");
        } else if (recipients.isEmpty()) {
            reply("503 5.5.1 Error: need RCPT command");
        } else if (!argument.isEmpty()) {
            reply("501 5.5.4 Syntax: DATA");
        } else {
            Optional<String> scripted = scripted(Stage.DATA, "");
            if (scripted != null) {
                reply(scripted.orElse("354 End data with <CR><LF>.<CR><LF>"));
                if (open) {
                    byte[] data = channel.readData(config.maxMessageBytes);
                    transcript.client("<message data: " + (data == null ? "too big" : data.length + " bytes") + ">");
                    try {
                        endData(data);
                    } finally {
                        resetTransaction();
                    }
                }
            }
        }
    }

    private void endData(byte[] data) throws IOException {
        if (data == null) {
            mailbox.reject();
            reply("552 5.3.4 Message size exceeds fixed limit of " + config.maxMessageBytes + " bytes");
            return;
        }
        if (script.takesWithoutAnswer()) {
            String queueId = mailbox.nextQueueId();
            mailbox.accept(new ReceivedMessage(id, queueId, mailFrom, recipients, data, channel.isTls(), user,
                    config.clock.instant()));
            transcript.event("took the message as " + queueId + " and withholds the reply (scripted)");
            hangUntilClosed();
            return;
        }
        if (!proceed(Stage.DATA_END)) {
            return;
        }
        Optional<String> scripted = script.nextReply(Stage.DATA_END, () -> new String(data, StandardCharsets.UTF_8));
        if (scripted.isPresent() && !scripted.get().startsWith("2")) {
            mailbox.reject();
            reply(scripted.get());
            return;
        }
        String queueId = mailbox.nextQueueId();
        mailbox.accept(new ReceivedMessage(id, queueId, mailFrom, recipients, data, channel.isTls(), user,
                config.clock.instant()));
        reply(scripted.orElse("250 2.0.0 Ok: queued as " + queueId));
    }

    /**
     * Honours the script's delay or hang at {@code stage}, then returns its reply, if any. Returns
     * {@code null} when the command is finished: the session hung or closed, or a scripted reply
     * rejected the command (and was sent).
     */
    private Optional<String> scripted(Stage stage, String argument) throws IOException {
        if (!proceed(stage)) {
            return null;
        }
        Optional<String> reply = script.nextReply(stage, argument);
        if (reply.isPresent() && !SmtpReplies.isPositive(reply.get())) {
            reply(reply.get());
            return null;
        }
        return reply;
    }

    /** Answers nothing until the client closes, the idle timeout passes or the server stops; then the session ends. */
    private void hangUntilClosed() {
        try {
            channel.flush();
            closed.await(config.idleTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client is gone: nothing to wait for
        }
        open = false;
    }

    /** Waits out a scripted delay; for a scripted hang, waits until closed. False if the session should end. */
    private boolean proceed(Stage stage) {
        boolean hang = script.hangsAt(stage);
        Duration wait = hang ? config.idleTimeout : script.delayAt(stage);
        if (hang) {
            transcript.event("hanging at " + stage + " (scripted)");
        }
        try {
            if (!wait.isZero()) {
                channel.flush(); // replies held back for a pipelining client go out before the wait
            }
            if (!wait.isZero() && closed.await(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            open = false;
            return false;
        } catch (IOException e) {
            open = false;
            return false;
        }
        if (hang) {
            transcript.event("hung for the idle timeout " + config.idleTimeout + ", closing");
            open = false;
        }
        return open;
    }

    private void reply(String reply) throws IOException {
        transcript.server(reply);
        if (SmtpReplies.closesConnection(reply)) {
            transcript.event("closing the connection after 421");
            open = false;
        }
        channel.send(reply);
        if (!open) {
            channel.flush();
        }
    }

    private void resetTransaction() {
        mailFrom = null;
        recipients.clear();
    }

    /** The address in "FROM:&lt;a@b.c&gt; SIZE=1" (prefix "FROM:"), or null if malformed. */
    private static String path(String argument, String prefix) {
        if (!argument.toUpperCase(Locale.ROOT).startsWith(prefix)) {
            return null;
        }
        String rest = argument.substring(prefix.length()).trim();
        if (!rest.startsWith("<")) {
            return rest.isEmpty() ? null : rest.split(" ", 2)[0];
        }
        int end = rest.indexOf('>');
        return end < 0 ? null : rest.substring(1, end);
    }
}
