package dev.notifier.testkit.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class SmtpReplyScriptTest {

    private final ReplyScript script = new ReplyScript();

    @Test
    void rulesAnswerInOrderAndAreUsedUp() {
        script.at(Stage.RCPT).reply("451 4.3.0 first").times(2);
        script.at(Stage.RCPT).reply("452 4.2.2 second");

        assertThat(script.nextReply(Stage.RCPT, "TO:<a@b.c>")).contains("451 4.3.0 first");
        assertThat(script.nextReply(Stage.RCPT, "TO:<a@b.c>")).contains("451 4.3.0 first");
        assertThat(script.nextReply(Stage.RCPT, "TO:<a@b.c>")).contains("452 4.2.2 second");
        assertThat(script.nextReply(Stage.RCPT, "TO:<a@b.c>")).isEmpty();
    }

    @Test
    void matchesStageAndArgumentIgnoringCase() {
        script.at(Stage.RCPT).matching("Bob@Example.com").reply("550 5.1.1 unknown").always();

        assertThat(script.nextReply(Stage.MAIL, "FROM:<bob@example.com>")).isEmpty();
        assertThat(script.nextReply(Stage.RCPT, "TO:<alice@example.com>")).isEmpty();
        assertThat(script.nextReply(Stage.RCPT, "TO:<BOB@example.com>")).contains("550 5.1.1 unknown");
        assertThat(script.nextReply(Stage.RCPT, "TO:<bob@example.com>")).contains("550 5.1.1 unknown");
    }

    @Test
    void clearRemovesRulesDelaysAndHangs() {
        script.at(Stage.DATA_END).reply("451 4.3.0 later").always();
        script.delay(Stage.MAIL, Duration.ofSeconds(1)).hang(Stage.CONNECT);

        script.clear();

        assertThat(script.nextReply(Stage.DATA_END, "")).isEmpty();
        assertThat(script.delayAt(Stage.MAIL)).isZero();
        assertThat(script.hangsAt(Stage.CONNECT)).isFalse();
    }

    @Test
    void rejectsRepliesWithoutCode() {
        assertThatThrownBy(() -> script.at(Stage.MAIL).reply("Try again later"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("three-digit code")
                .hasMessageContaining("Try again later");
        assertThatThrownBy(() -> script.at(Stage.MAIL).reply("451 x").times(0))
                .hasMessageContaining("at least 1");
    }
}
