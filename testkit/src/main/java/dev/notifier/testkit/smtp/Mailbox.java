package dev.notifier.testkit.smtp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What the server received: accepted messages, in order of acceptance, and a count of messages
 * rejected after their data. Waiters are woken by {@link #notifyAll()} on every accepted message.
 */
final class Mailbox {

    private final List<ReceivedMessage> messages = new ArrayList<>();
    private long rejected;
    private long pipelined;
    private long queueIds;

    synchronized void accept(ReceivedMessage message) {
        messages.add(message);
        notifyAll();
    }

    synchronized void reject() {
        rejected++;
    }

    /** A command arrived while the one before it was still unanswered (the client pipelines). */
    synchronized void pipelined() {
        pipelined++;
    }

    synchronized long pipelinedCount() {
        return pipelined;
    }

    synchronized String nextQueueId() {
        return String.format(Locale.ROOT, "Q%08X", ++queueIds);
    }

    synchronized List<ReceivedMessage> messages() {
        return List.copyOf(messages);
    }

    synchronized long rejectedCount() {
        return rejected;
    }

    synchronized void clear() {
        messages.clear();
        rejected = 0;
        pipelined = 0;
    }

    /**
     * Blocks until at least one message arrived (or {@code timeout} passed), then returns and forgets the
     * messages held: a long-running server (the development inbox) keeps no mail in memory.
     */
    synchronized List<ReceivedMessage> take(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (messages.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return List.of();
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
        List<ReceivedMessage> taken = List.copyOf(messages);
        messages.clear();
        return taken;
    }

    /** Blocks until at least {@code count} messages arrived, then returns all of them. */
    synchronized List<ReceivedMessage> await(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (messages.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("Expected " + count + " message(s) within " + timeout
                            + " but " + messages.size() + " arrived (" + rejected + " rejected after DATA): "
                            + messages);
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for " + count + " message(s); "
                    + messages.size() + " arrived", e);
        }
        return List.copyOf(messages);
    }
}
