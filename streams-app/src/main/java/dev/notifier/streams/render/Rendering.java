package dev.notifier.streams.render;

import dev.notifier.avro.DomainEvent;
import dev.notifier.avro.Notification;
import dev.notifier.avro.Priority;
import dev.notifier.avro.Recipient;
import dev.notifier.avro.internal.Candidate;
import dev.notifier.streams.expand.Candidates;
import dev.notifier.streams.expand.SkipReason;
import dev.notifier.streams.policy.Release;
import dev.notifier.streams.route.AccountRouter;
import java.time.Clock;

/**
 * The render and route stages for one deduplicated candidate: either the finished notification,
 * or the candidate marked SKIPPED because its template is missing or incomplete, or the mail
 * would be too large ({@link MailSize}) — never an empty email, never a record too large to write.
 */
public record Rendering(Notification notification, Candidate failed) {

  /**
   * Renders the candidate a policy released, stamped with the time it was released and carrying the
   * priority and expiry the policy gave it.
   */
  public static Rendering of(String id, Release release, Renderer renderer, AccountRouter router, Clock clock) {
    Rendering r = of(id, release.candidate(), renderer, router, clock);
    if (r.notification() != null) {
      r.notification().setPriority(release.priority());
      r.notification().setExpiresAt(release.expiresAt());
      r.notification().setCreatedAt(release.at());
    }
    return r;
  }

  /**
   * Renders {@code c} as notification {@code id}, sent from the account {@code router} picks for the
   * event's team and stamped with {@code clock}'s time, with normal priority and no expiry.
   */
  public static Rendering of(String id, Candidate c, Renderer renderer, AccountRouter router, Clock clock) {
    Rendered rendered;
    try {
      rendered = MailSize.check(renderer.render(c), c.getTemplate());
    } catch (RenderException e) {
      SkipReason reason = SkipReason.ofRenderFailure(e.reason());
      return new Rendering(null, Candidates.from(c).setSkipReason(reason.code()).setSkipDetail(e.getMessage())
          .build());
    }
    DomainEvent event = c.getEvent();
    Notification notification = Notification.newBuilder()
        .setNotificationId(id)
        .setEventId(event.getEventId())
        .setEventType(event.getType())
        .setSource(event.getSource())
        .setTeam(event.getTeam())
        .setTemplate(c.getTemplate())
        .setAccount(router.accountFor(event.getTeam()))
        .setRecipient(Recipient.newBuilder().setUserId(c.getUserId()).setEmail(c.getEmail())
            .setName(c.getName()).setLocale(c.getLocale()).setRole(c.getRole()).build())
        .setSubject(rendered.subject())
        .setTextBody(rendered.text())
        .setHtmlBody(rendered.html())
        .setCreatedAt(clock.instant())
        // every field set explicitly: Avro resolves an enum default through its class allow-list
        .setPriority(Priority.NORMAL)
        .build();
    return new Rendering(notification, null);
  }
}
