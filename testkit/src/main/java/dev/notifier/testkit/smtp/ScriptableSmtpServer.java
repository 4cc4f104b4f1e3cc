package dev.notifier.testkit.smtp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real SMTP server on 127.0.0.1 for tests, the demo and benchmarks: plain sockets, one platform
 * thread per connection, optional implicit TLS or STARTTLS with a generated certificate, optional
 * AUTH PLAIN/LOGIN, and a {@link ReplyScript} to make it reject, slow down or hang like real
 * providers do.
 *
 * <pre>{@code
 * try (ScriptableSmtpServer smtp = ScriptableSmtpServer.builder().tls(TlsMode.IMPLICIT)
 *         .user("alice", "secret").requireAuth(true).start()) {
 *     smtp.script().at(Stage.RCPT).matching("bob@example.com")
 *             .reply("550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown").always();
 *     // ... point a client at smtp.host():smtp.port(), trusting smtp.clientSslContext() ...
 *     List<ReceivedMessage> received = smtp.awaitMessages(1, Duration.ofSeconds(5));
 * }
 * }</pre>
 *
 * <p>A message counts as received only once the server answered 250 after its data; one rejected
 * there counts in {@link #rejectedCount()}. {@link #down()} closes the listening socket and every
 * open connection (connects are then refused), {@link #up()} listens on the same port again.
 * Every connection ends after {@link Builder#idleTimeout(Duration)} without input, and
 * {@link #close()} ends all of them within about two seconds.
 */
public final class ScriptableSmtpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ScriptableSmtpServer.class);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(2);

    private final SmtpServerConfig config;
    private final InetAddress bindAddress;
    private final SelfSignedCertificate certificate;
    private final ReplyScript script = new ReplyScript();
    private final Mailbox mailbox = new Mailbox();
    private final Map<Long, Transcript> transcripts = new ConcurrentSkipListMap<>();
    private final Set<SmtpSession> active = ConcurrentHashMap.newKeySet();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicInteger maxConcurrent = new AtomicInteger();
    private final ExecutorService sessions;

    private int port; // guarded by this; the requested port until bound, then the bound port
    private ServerSocket listener; // guarded by this; null while down
    private Thread acceptor; // guarded by this
    private boolean started; // guarded by this
    private boolean closed; // guarded by this

    private ScriptableSmtpServer(SmtpServerConfig config, SelfSignedCertificate certificate, InetAddress bindAddress,
            int port) {
        this.config = config;
        this.bindAddress = bindAddress;
        this.certificate = certificate;
        this.port = port;
        AtomicInteger threads = new AtomicInteger();
        this.sessions = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "smtp-session-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds 127.0.0.1 (or the configured address) on the configured port (a free one for port 0) and starts accepting. */
    public synchronized ScriptableSmtpServer start() {
        if (closed) {
            throw new IllegalStateException("SMTP server was closed; build a new one");
        }
        if (!started) {
            started = true;
            bind();
        }
        return this;
    }

    /** Simulates an outage: closes the listening socket and every open connection; connects are refused. */
    public synchronized void down() {
        requireStarted();
        closeListener();
        active.forEach(SmtpSession::close);
    }

    /** Ends an outage: listens on the same port again. Does nothing if already up. */
    public synchronized void up() {
        requireStarted();
        if (closed) {
            throw new IllegalStateException("SMTP server was closed; build a new one");
        }
        if (listener == null) {
            bind();
        }
    }

    public synchronized boolean isUp() {
        return listener != null;
    }

    /** Same as {@link #close()}. */
    public void stop() {
        close();
    }

    /** Stops listening, closes every connection (hung ones too) and waits up to 2 s for their threads. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            closeListener();
        }
        active.forEach(SmtpSession::close);
        sessions.shutdownNow();
        try {
            if (!sessions.awaitTermination(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("SMTP session threads still running {} after close", SHUTDOWN_GRACE);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The address clients reach the server at: "127.0.0.1", also when it listens on every interface. */
    public String host() {
        return bindAddress.isAnyLocalAddress() ? LOOPBACK.getHostAddress() : bindAddress.getHostAddress();
    }

    /** The bound port (the configured one, or the free port chosen for port 0). */
    public synchronized int port() {
        requireStarted();
        return port;
    }

    public TlsMode tlsMode() {
        return config.tlsMode;
    }

    /** The script of replies, delays and hangs; shared by all connections and changeable at any time. */
    public ReplyScript script() {
        return script;
    }

    /** Removes every scripted reply, delay and hang. */
    public void clearScript() {
        script.clear();
    }

    /** The messages received so far, in order of acceptance. */
    public List<ReceivedMessage> messages() {
        return mailbox.messages();
    }

    /** How many messages were received so far: {@code messages().size()} without the copy. */
    public int messageCount() {
        return mailbox.count();
    }

    /**
     * Blocks until at least {@code count} messages were received and returns them all; throws
     * {@link IllegalStateException} saying how many arrived if {@code timeout} passes first.
     */
    public List<ReceivedMessage> awaitMessages(int count, Duration timeout) {
        return mailbox.await(count, timeout);
    }

    /**
     * Waits up to {@code timeout} for a message, then returns the messages received since the last call and
     * forgets them (empty when none came in time); what a long-running inbox reads instead of {@link #messages()}.
     */
    public List<ReceivedMessage> takeMessages(Duration timeout) {
        return mailbox.take(timeout);
    }

    /** Messages whose data was answered with an error (scripted, or too big) instead of 250. */
    public long rejectedCount() {
        return mailbox.rejectedCount();
    }

    /**
     * Commands that arrived while an earlier one was still unanswered, since start (or the last
     * {@link #reset()}): zero for a client that waits for each reply, more for one that pipelines.
     */
    public long pipelinedCommandCount() {
        return mailbox.pipelinedCount();
    }

    /** Connections accepted since start (or the last {@link #reset()}). */
    public long connectionCount() {
        return connections.get();
    }

    /** Connections open right now. */
    public int activeConnectionCount() {
        return active.size();
    }

    /** The most connections that were open at the same time since start (or the last reset). */
    public int maxConcurrentConnections() {
        return maxConcurrent.get();
    }

    /** Forgets received messages, the rejected count, transcripts and connection counters (not the script). */
    public void reset() {
        mailbox.clear();
        transcripts.clear();
        connections.set(0);
        maxConcurrent.set(active.size());
    }

    /** Same as {@link #reset()}. */
    public void clear() {
        reset();
    }

    /** The transcripts of all connections since start (or the last reset), oldest first. */
    public List<Transcript> transcripts() {
        return new ArrayList<>(transcripts.values());
    }

    /** The transcript of connection {@code connectionId} (see {@link ReceivedMessage#connectionId()}). */
    public Optional<Transcript> transcript(long connectionId) {
        return Optional.ofNullable(transcripts.get(connectionId));
    }

    /** The server's certificate; only for TLS modes other than NONE. */
    public SelfSignedCertificate certificate() {
        if (certificate == null) {
            throw new IllegalStateException("SMTP server has TLS mode NONE, so it has no certificate; "
                    + "build it with tls(TlsMode.IMPLICIT) or tls(TlsMode.STARTTLS)");
        }
        return certificate;
    }

    /** A trust store holding the server's certificate. */
    public KeyStore trustStore() {
        return certificate().trustStore();
    }

    /** An SSL context trusting the server's certificate; e.g. for {@code mail.smtp.ssl.socketFactory}. */
    public SSLContext clientSslContext() {
        return certificate().clientSslContext();
    }

    /** Writes the trust store as PKCS12 to {@code file}. */
    public void writeTrustStore(Path file, char[] password) throws IOException {
        certificate().writeTrustStore(file, password);
    }

    @Override
    public synchronized String toString() {
        return "ScriptableSmtpServer[" + host() + ":" + port + ", " + config.tlsMode + (isUp() ? "" : ", down") + "]";
    }

    private void requireStarted() {
        if (!started) {
            throw new IllegalStateException("SMTP server is not started; call start() first");
        }
    }

    private void bind() {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true); // so up() can re-bind the port while old connections linger in TIME_WAIT
            socket.bind(new InetSocketAddress(bindAddress, port), 128);
            port = socket.getLocalPort();
            listener = socket;
            acceptor = new Thread(() -> acceptLoop(socket), "smtp-acceptor-" + port);
            acceptor.setDaemon(true);
            acceptor.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not listen on " + host() + ":" + port
                    + " (is another process using the port?)", e);
        }
    }

    private void closeListener() {
        if (listener == null) {
            return;
        }
        try {
            listener.close();
            acceptor.join(SHUTDOWN_GRACE.toMillis());
        } catch (IOException e) {
            LOG.debug("Closing the SMTP listener on port {} failed", port, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        listener = null;
        acceptor = null;
    }

    private void acceptLoop(ServerSocket socket) {
        while (!socket.isClosed()) {
            try {
                handOff(socket.accept());
            } catch (IOException e) {
                if (!socket.isClosed()) {
                    LOG.warn("Accepting an SMTP connection on port {} failed", socket.getLocalPort(), e);
                }
            }
        }
    }

    private void handOff(Socket socket) {
        long id = connections.incrementAndGet();
        Transcript transcript = new Transcript(id);
        transcripts.put(id, transcript);
        SmtpSession session = new SmtpSession(id, socket, config, script, mailbox, transcript, active::remove);
        active.add(session);
        maxConcurrent.accumulateAndGet(active.size(), Math::max);
        try {
            sessions.execute(session);
        } catch (RejectedExecutionException e) {
            session.close(); // the server is closing
            active.remove(session);
        }
    }

    /**
     * Settings of a {@link ScriptableSmtpServer}. Defaults: a free port, no TLS, no AUTH, server name
     * "smtp.testkit.local", certificate for "localhost", 30 s idle timeout, 25 MiB message limit,
     * the system UTC clock.
     */
    public static final class Builder {
        private int port;
        private InetAddress bindAddress = LOOPBACK;
        private TlsMode tlsMode = TlsMode.NONE;
        private boolean advertiseStartTls = true;
        private boolean requireStartTls;
        private boolean advertisePipelining = true;
        private final Map<String, String> credentials = new LinkedHashMap<>();
        private boolean requireAuth;
        private String certificateHost = "localhost";
        private SelfSignedCertificate certificate;
        private String serverName = "smtp.testkit.local";
        private Duration idleTimeout = Duration.ofSeconds(30);
        private long maxMessageBytes = 25L * 1024 * 1024;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The port to listen on; 0 (the default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, but was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * The address to listen on; default the loopback address. The wildcard address (0.0.0.0) is for a
         * server in a container, reached by other containers (the development inbox, {@link SmtpSinkMain}).
         */
        public Builder bindAddress(InetAddress address) {
            this.bindAddress = Objects.requireNonNull(address, "address");
            return this;
        }

        public Builder tls(TlsMode mode) {
            this.tlsMode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** With {@link TlsMode#STARTTLS}: whether EHLO offers STARTTLS (default true). */
        public Builder advertiseStartTls(boolean advertise) {
            this.advertiseStartTls = advertise;
            return this;
        }

        /**
         * Whether EHLO offers PIPELINING (RFC 2920; default true, as most servers do). The server reads
         * pipelined commands either way; this only says whether the client may send them.
         */
        public Builder advertisePipelining(boolean advertise) {
            this.advertisePipelining = advertise;
            return this;
        }

        /** With {@link TlsMode#STARTTLS}: answer MAIL before STARTTLS with "530 5.7.0 Must issue a STARTTLS command first". */
        public Builder requireStartTls(boolean require) {
            this.requireStartTls = require;
            return this;
        }

        /** Enables AUTH PLAIN and LOGIN and adds an account. */
        public Builder user(String username, String password) {
            credentials.put(Objects.requireNonNull(username, "username"), Objects.requireNonNull(password, "password"));
            return this;
        }

        /** Enables AUTH PLAIN and LOGIN with these accounts (user name to password). */
        public Builder users(Map<String, String> usernameToPassword) {
            usernameToPassword.forEach(this::user);
            return this;
        }

        /** Answer MAIL without prior AUTH with "530 5.7.0 Authentication required". */
        public Builder requireAuth(boolean require) {
            this.requireAuth = require;
            return this;
        }

        /** The host name the generated certificate is issued for, e.g. "wrong.example" to fail identity checks. */
        public Builder certificateHost(String hostName) {
            this.certificateHost = Objects.requireNonNull(hostName, "hostName");
            return this;
        }

        /** Uses an existing certificate, e.g. to keep one trust store across several servers. */
        public Builder certificate(SelfSignedCertificate certificate) {
            this.certificate = Objects.requireNonNull(certificate, "certificate");
            return this;
        }

        /** The name in the greeting and the EHLO reply. */
        public Builder serverName(String name) {
            this.serverName = Objects.requireNonNull(name, "name");
            return this;
        }

        /** How long a connection may stay silent (and how long a scripted hang lasts) before the server drops it. */
        public Builder idleTimeout(Duration timeout) {
            if (timeout == null || timeout.toMillis() < 1 || timeout.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("idleTimeout must be between 1 ms and ~24 days, but was " + timeout);
            }
            this.idleTimeout = timeout;
            return this;
        }

        /** The SIZE limit; bigger messages are answered "552 5.3.4" and counted as rejected. */
        public Builder maxMessageBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxMessageBytes must be positive, but was " + bytes);
            }
            this.maxMessageBytes = bytes;
            return this;
        }

        /** The clock that stamps {@link ReceivedMessage#receivedAt()}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public ScriptableSmtpServer build() {
            if (requireStartTls && !(tlsMode == TlsMode.STARTTLS && advertiseStartTls)) {
                throw new IllegalArgumentException("requireStartTls needs tls(TlsMode.STARTTLS) with STARTTLS "
                        + "advertised, but TLS mode is " + tlsMode + " and advertiseStartTls is " + advertiseStartTls);
            }
            if (requireAuth && credentials.isEmpty()) {
                throw new IllegalArgumentException("requireAuth needs at least one account; add one with user(name, password)");
            }
            SelfSignedCertificate cert = tlsMode == TlsMode.NONE ? certificate
                    : certificate != null ? certificate : SelfSignedCertificate.forHost(certificateHost);
            SSLContext sslContext = cert == null ? null : cert.serverSslContext();
            return new ScriptableSmtpServer(new SmtpServerConfig(serverName, tlsMode, advertiseStartTls, requireStartTls,
                    advertisePipelining, credentials, requireAuth, idleTimeout, maxMessageBytes, sslContext, clock), cert,
                    bindAddress, port);
        }

        /** Builds and starts the server. */
        public ScriptableSmtpServer start() {
            return build().start();
        }
    }
}
