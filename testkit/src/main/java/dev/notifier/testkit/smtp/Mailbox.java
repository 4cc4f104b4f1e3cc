package dev.notifier.testkit.smtp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What the server received: accepted messages, in order of acceptance, and a count of messages
 * rejected after their data. Waiters are woken by {@link #notifyAll()} once the message they wait for
 * is here, not on every message: a benchmark's sink takes thousands a second while a thread awaits them all.
 */
final class Mailbox {

    private final List<ReceivedMessage> messages = new ArrayList<>();
    private long rejected;
    private long pipelined;
    private long queueIds;
    /** The fewest messages a waiter waits for; {@link Integer#MAX_VALUE} when none waits. */
    private int wakeAt = Integer.MAX_VALUE;

    synchronized void accept(ReceivedMessage message) {
        messages.add(message);
        if (messages.size() >= wakeAt) {
            wakeAt = Integer.MAX_VALUE; // every waiter wakes and, if not yet done, says again what it waits for
            notifyAll();
        }
    }

    synchronized int count() {
        return messages.size();
    }

    /** Waits up to {@code nanos} to be woken by the {@code count}th message. */
    private void waitFor(int count, long nanos) throws InterruptedException {
        wakeAt = Math.min(wakeAt, count);
        TimeUnit.NANOSECONDS.timedWait(this, nanos);
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
                waitFor(1, left);
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
                waitFor(count, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for " + count + " message(s); "
                    + messages.size() + " arrived", e);
        }
        return List.copyOf(messages);
    }
}
