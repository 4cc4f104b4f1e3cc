package dev.notifier.testkit.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** Waiters for messages: each wakes once its own count is reached, whatever the others wait for. */
class MailboxTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void waitersForDifferentCountsEachReturnWhenTheirCountArrives() throws Exception {
        Mailbox mailbox = new Mailbox();
        ExecutorService waiters = Executors.newFixedThreadPool(2); // a thread each: they both block
        try {
            CompletableFuture<List<ReceivedMessage>> three =
                    CompletableFuture.supplyAsync(() -> mailbox.await(3, WAIT), waiters);
            CompletableFuture<List<ReceivedMessage>> one =
                    CompletableFuture.supplyAsync(() -> mailbox.await(1, WAIT), waiters);
            Thread.sleep(200); // both are waiting

            mailbox.accept(message(1));
            assertThat(one.get(5, TimeUnit.SECONDS)).hasSize(1);
            mailbox.accept(message(2));
            Thread.sleep(200);
            assertThat(three).isNotDone();
            mailbox.accept(message(3));
            assertThat(three.get(5, TimeUnit.SECONDS)).extracting(ReceivedMessage::queueId)
                    .containsExactly("Q1", "Q2", "Q3");
            assertThat(mailbox.count()).isEqualTo(3);

            mailbox.clear();
            CompletableFuture<List<ReceivedMessage>> taken =
                    CompletableFuture.supplyAsync(() -> mailbox.take(WAIT), waiters);
            Thread.sleep(200);
            assertThat(taken).isNotDone();
            mailbox.accept(message(4));
            assertThat(taken.get(5, TimeUnit.SECONDS)).extracting(ReceivedMessage::queueId).containsExactly("Q4");
            assertThat(mailbox.count()).isZero();
        } finally {
            waiters.shutdownNow();
        }
    }

    private static ReceivedMessage message(int n) {
        return new ReceivedMessage(1, "Q" + n, "a@example.com", List.of("b@example.com"),
                ("Subject: " + n + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.UTF_8), false, null, Instant.now());
    }
}
