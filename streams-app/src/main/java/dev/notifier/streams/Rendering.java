package dev.notifier.streams;

import dev.notifier.avro.DomainEvent;
import dev.notifier.avro.Notification;
import dev.notifier.avro.Recipient;
import dev.notifier.avro.internal.Candidate;
import dev.notifier.streams.expand.Candidates;
import dev.notifier.streams.expand.SkipReason;
import dev.notifier.streams.render.RenderException;
import dev.notifier.streams.render.Rendered;

/**
 * The render and route stages for one deduplicated candidate: either the finished notification,
 * or the candidate marked SKIPPED because its template is missing or incomplete — never an
 * empty email.
 */
record Rendering(Notification notification, Candidate failed) {

  static Rendering of(String id, Candidate c, TopologySettings settings) {
    Rendered rendered;
    try {
      rendered = settings.renderer().render(c);
    } catch (RenderException e) {
      SkipReason reason = "no-template".equals(e.reason()) ? SkipReason.NO_TEMPLATE : SkipReason.MISSING_VARIABLE;
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
        .setAccount(settings.router().accountFor(event.getTeam()))
        .setRecipient(Recipient.newBuilder().setUserId(c.getUserId()).setEmail(c.getEmail())
            .setName(c.getName()).setLocale(c.getLocale()).setRole(c.getRole()).build())
        .setSubject(rendered.subject())
        .setTextBody(rendered.text())
        .setHtmlBody(rendered.html())
        .setCreatedAt(settings.clock().instant())
        .build();
    return new Rendering(notification, null);
  }
}
