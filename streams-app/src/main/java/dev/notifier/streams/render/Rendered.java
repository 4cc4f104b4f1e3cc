package dev.notifier.streams.render;

/** The three parts of an email. {@code html} may be null for plain-text-only templates. */
public record Rendered(String subject, String text, String html) {
}
