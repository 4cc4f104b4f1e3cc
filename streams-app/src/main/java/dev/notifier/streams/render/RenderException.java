package dev.notifier.streams.render;

/**
 * A notification could not be rendered. {@link #reason()} is a short, stable code for the delivery
 * status and for metrics; the message says what was wrong, with which value, and what to do.
 *
 * <ul>
 *   <li>{@code no-template}: no template for the template id in any locale tried;</li>
 *   <li>{@code missing-variable}: a template references a name the render context does not have;</li>
 *   <li>{@code bad-template}: a template file is unreadable, does not compile, or a locale directory
 *       lacks {@code subject.mustache} or {@code text.mustache};</li>
 *   <li>{@code empty-output}: the subject or text body rendered blank;</li>
 *   <li>{@code render-failed}: anything else thrown while rendering;</li>
 *   <li>{@code too-large}: the rendered mail is past {@link MailSize#MAX_BYTES}.</li>
 * </ul>
 */
public final class RenderException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String reason;

  public RenderException(String reason, String message) {
    this(reason, message, null);
  }

  public RenderException(String reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** The short code: no-template, missing-variable, bad-template, empty-output, render-failed or too-large. */
  public String reason() {
    return reason;
  }
}
