package dev.notifier.testkit.smtp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The script a {@link ScriptableSmtpServer} follows instead of its normal replies.
 *
 * <p>Three kinds of entries, all thread-safe and shared by every connection:
 * <ul>
 *   <li><b>Reply rules</b>: {@code at(Stage.RCPT).matching("bob@example.com").reply("550 5.1.1 ...").times(1)}.
 *       Rules are consulted in the order they were added; the first one whose stage and argument match
 *       and which has uses left answers instead of the server. A rule answers once unless
 *       {@link Rule#times(int)} or {@link Rule#always()} says otherwise. A reply of 2xx/3xx lets the
 *       command take effect; any other code rejects it. After a 421 the server closes the connection.</li>
 *   <li><b>Delays</b>: {@link #delay(Stage, Duration)} makes the server slow before answering at a stage.</li>
 *   <li><b>Hangs</b>: {@link #hang(Stage)} makes the server never answer at a stage (the connection stays
 *       open until the client gives up, the server's idle timeout passes or the server is closed);
 *       {@link #takeWithoutAnswer()} makes it take each message and then never answer its end of data.</li>
 * </ul>
 * When nothing matches, the server behaves normally. {@link #clear()} removes everything.
 */
public final class ReplyScript {

    private final List<Rule> rules = new ArrayList<>();
    private final Map<Stage, Duration> delays = new EnumMap<>(Stage.class);
    private final Set<Stage> hangs = EnumSet.noneOf(Stage.class);
    private final Map<Stage, Duration> jitter = new EnumMap<>(Stage.class);
    private boolean takeWithoutAnswer;

    ReplyScript() {
    }

    /** Starts a reply rule for {@code stage}. */
    public RuleBuilder at(Stage stage) {
        return new RuleBuilder(Objects.requireNonNull(stage, "stage"));
    }

    /** Waits {@code delay} before answering at {@code stage}, on every connection, until cleared. */
    public synchronized ReplyScript delay(Stage stage, Duration delay) {
        Objects.requireNonNull(stage, "stage");
        if (delay == null || delay.isNegative()) {
            throw new IllegalArgumentException("delay must be zero or positive, but was " + delay);
        }
        delays.put(stage, delay);
        return this;
    }

    /**
     * Waits a random time between {@code min} and {@code max} (uniform, a new draw per command) before
     * answering at {@code stage}: transactions of uneven length, as a real server's are.
     */
    public synchronized ReplyScript delayBetween(Stage stage, Duration min, Duration max) {
        delay(stage, min);
        if (max.compareTo(min) < 0) {
            throw new IllegalArgumentException("max delay " + max + " is below min delay " + min);
        }
        jitter.put(stage, max.minus(min));
        return this;
    }

    /** Never answers at {@code stage} (for CONNECT: accepts the TCP connection but sends no greeting). */
    public synchronized ReplyScript hang(Stage stage) {
        hangs.add(Objects.requireNonNull(stage, "stage"));
        return this;
    }

    /**
     * Takes every message in full and keeps it (it is among the server's messages), then never answers its end of
     * data: a server that took the mail but whose reply the client never gets, so the client cannot know.
     */
    public synchronized ReplyScript takeWithoutAnswer() {
        takeWithoutAnswer = true;
        return this;
    }

    /** Removes every rule, delay and hang. */
    public synchronized void clear() {
        takeWithoutAnswer = false;
        rules.clear();
        delays.clear();
        jitter.clear();
        hangs.clear();
    }

    /**
     * As {@link #nextReply(Stage, String)}, the argument made only when a rule at {@code stage} is there to
     * match it (the data of every message, at {@link Stage#DATA_END}, is otherwise decoded for nothing).
     */
    synchronized Optional<String> nextReply(Stage stage, Supplier<String> argument) {
        return rules.stream().anyMatch(r -> r.stage == stage) ? nextReply(stage, argument.get()) : Optional.empty();
    }

    /** Takes one use of the first matching rule, if any, and returns its reply. */
    synchronized Optional<String> nextReply(Stage stage, String argument) {
        Iterator<Rule> it = rules.iterator();
        while (it.hasNext()) {
            Rule rule = it.next();
            if (rule.remaining == 0) {
                it.remove();
            } else if (rule.matches(stage, argument)) {
                if (rule.remaining > 0) {
                    rule.remaining--;
                }
                return Optional.of(rule.reply);
            }
        }
        return Optional.empty();
    }

    synchronized Duration delayAt(Stage stage) {
        Duration base = delays.getOrDefault(stage, Duration.ZERO);
        Duration spread = jitter.get(stage);
        if (spread == null || spread.isZero()) {
            return base;
        }
        return base.plusNanos(java.util.concurrent.ThreadLocalRandom.current().nextLong(spread.toNanos() + 1));
    }

    synchronized boolean takesWithoutAnswer() {
        return takeWithoutAnswer;
    }

    synchronized boolean hangsAt(Stage stage) {
        return hangs.contains(stage);
    }

    private synchronized void add(Rule rule) {
        rules.add(rule);
    }

    /** Chooses which commands a rule applies to; finish with {@link #reply(String)}. */
    public final class RuleBuilder {
        private final Stage stage;
        private String argumentContains;

        private RuleBuilder(Stage stage) {
            this.stage = stage;
        }

        /**
         * Applies the rule only when the command's argument contains {@code text}, ignoring case —
         * e.g. a recipient address at {@link Stage#RCPT}, or a subject at {@link Stage#DATA_END}.
         */
        public RuleBuilder matching(String text) {
            this.argumentContains = Objects.requireNonNull(text, "text").toLowerCase(Locale.ROOT);
            return this;
        }

        /** Adds the rule, answering {@code reply} (e.g. "451 4.3.0 Try again later") once. */
        public Rule reply(String reply) {
            Rule rule = new Rule(stage, argumentContains, SmtpReplies.requireValid(reply));
            add(rule);
            return rule;
        }
    }

    /** A reply rule that has been added; adjust how many times it answers. */
    public final class Rule {
        private final Stage stage;
        private final String argumentContains;
        private final String reply;
        /** Uses left; negative means unlimited. Guarded by the enclosing script. */
        private int remaining = 1;

        private Rule(Stage stage, String argumentContains, String reply) {
            this.stage = stage;
            this.argumentContains = argumentContains;
            this.reply = reply;
        }

        /** Answers {@code count} times in total, then stops applying. */
        public Rule times(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("times must be at least 1, but was " + count);
            }
            synchronized (ReplyScript.this) {
                remaining = count;
            }
            return this;
        }

        /** Answers every time, until the script is cleared. */
        public Rule always() {
            synchronized (ReplyScript.this) {
                remaining = -1;
            }
            return this;
        }

        private boolean matches(Stage candidateStage, String argument) {
            return stage == candidateStage && (argumentContains == null
                    || (argument != null && argument.toLowerCase(Locale.ROOT).contains(argumentContains)));
        }

        @Override
        public String toString() {
            return "Rule[" + stage + (argumentContains == null ? "" : " matching '" + argumentContains + "'")
                    + " -> " + reply + "]";
        }
    }
}
