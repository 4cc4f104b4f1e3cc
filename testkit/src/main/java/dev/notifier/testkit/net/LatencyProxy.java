package dev.notifier.testkit.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy on 127.0.0.1 that adds a round-trip time to every connection it forwards to a
 * loopback server: each byte is held for half the RTT on its way to the server and half on its way
 * back, in order, without limiting bandwidth — what a provider some tens of milliseconds away costs
 * a client that waits for each reply (SMTP without pipelining waits once per command). For
 * benchmarks and tests; it refuses any target that is not a loopback address.
 *
 * <p>Each connection takes four threads (a reader and a delayed writer per direction); closing
 * either side closes both, and {@link #close()} closes everything.
 */
public final class LatencyProxy implements AutoCloseable {

    private static final int CHUNK = 16 * 1024;

    private final InetSocketAddress target;
    private final long oneWayNanos;
    private final ServerSocket listener;
    private final List<Socket> sockets = new ArrayList<>();
    private final AtomicLong connections = new AtomicLong();
    private volatile boolean closed;

    private LatencyProxy(InetSocketAddress target, Duration rtt) throws IOException {
        this.target = target;
        this.oneWayNanos = rtt.toNanos() / 2;
        this.listener = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "latency-proxy-accept-" + listener.getLocalPort());
        accept.setDaemon(true);
        accept.start();
    }

    /**
     * Starts a proxy in front of {@code host:port} adding {@code rtt} to every round trip.
     *
     * @throws IllegalArgumentException when the target is not a loopback address or the RTT is negative
     */
    public static LatencyProxy start(String host, int port, Duration rtt) throws IOException {
        InetAddress address = InetAddress.getByName(host);
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("target " + host + " is not a loopback address: the latency proxy "
                    + "forwards to a server on this machine only (use 127.0.0.1)");
        }
        if (rtt.isNegative()) {
            throw new IllegalArgumentException("rtt is " + rtt + ": give zero or more");
        }
        return new LatencyProxy(new InetSocketAddress(address, port), rtt);
    }

    public String host() {
        return listener.getInetAddress().getHostAddress();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Connections accepted so far. */
    public long connectionCount() {
        return connections.get();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                try {
                    server.connect(target, 10_000);
                } catch (IOException e) {
                    client.close();
                    continue;
                }
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                synchronized (sockets) {
                    if (closed) {
                        client.close();
                        server.close();
                        return;
                    }
                    sockets.add(client);
                    sockets.add(server);
                }
                long n = connections.incrementAndGet();
                AtomicInteger ended = new AtomicInteger();
                pipe(client, server, ended, "latency-proxy-" + n + "-up");
                pipe(server, client, ended, "latency-proxy-" + n + "-down");
            } catch (IOException e) {
                if (!closed) {
                    // a failed accept on an open listener: keep serving the others
                    continue;
                }
                return;
            }
        }
    }

    /** Copies {@code from} to {@code to}, each chunk delivered one-way-delay after it was read. */
    private void pipe(Socket from, Socket to, AtomicInteger ended, String name) {
        BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> read(from, queue), name + "-read");
        Thread writer = new Thread(() -> write(queue, from, to, ended), name + "-write");
        reader.setDaemon(true);
        writer.setDaemon(true);
        reader.start();
        writer.start();
    }

    private void read(Socket from, BlockingQueue<Chunk> queue) {
        byte[] buffer = new byte[CHUNK];
        try (InputStream in = from.getInputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                queue.add(new Chunk(System.nanoTime() + oneWayNanos, Arrays.copyOf(buffer, n)));
            }
        } catch (IOException e) {
            // the connection closed under us: end the stream below
        }
        queue.add(Chunk.END);
    }

    /**
     * Writes the queued chunks when due; at the end of the stream half-closes {@code to}, as the
     * sender did, and the second direction to end closes the connection's two sockets. A write error
     * closes both at once.
     */
    private void write(BlockingQueue<Chunk> queue, Socket from, Socket to, AtomicInteger ended) {
        boolean failed = true;
        try {
            OutputStream out = to.getOutputStream();
            while (true) {
                Chunk chunk = queue.take();
                if (chunk == Chunk.END) {
                    break;
                }
                for (long wait = chunk.due() - System.nanoTime(); wait > 0; wait = chunk.due() - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
                out.write(chunk.bytes());
                out.flush();
            }
            to.shutdownOutput();
            failed = false;
        } catch (IOException e) {
            // the other side went away: close below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (failed || ended.incrementAndGet() == 2) {
                quietlyClose(from);
                quietlyClose(to);
            }
        }
    }

    private static void quietlyClose(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing
        }
        synchronized (sockets) {
            sockets.forEach(LatencyProxy::quietlyClose);
            sockets.clear();
        }
    }

    /** Bytes read at one moment, due at the other end at {@code due} (System.nanoTime). */
    private record Chunk(long due, byte[] bytes) {
        static final Chunk END = new Chunk(0, new byte[0]);
    }
}
