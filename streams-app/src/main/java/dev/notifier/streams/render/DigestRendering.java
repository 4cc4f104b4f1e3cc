package dev.notifier.streams.render;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.DomainEvent;
import dev.notifier.avro.Notification;
import dev.notifier.avro.Recipient;
import dev.notifier.avro.internal.Candidate;
import dev.notifier.streams.expand.SkipReason;
import dev.notifier.streams.policy.ClosedDigest;
import dev.notifier.streams.route.AccountRouter;

/**
 * The render and route stages for a closed digest: an ordinary notification (its id the digest id,
 * its event type {@value #EVENT_TYPE}) sent to the recipient of its latest item from their team's
 * account — or, when its template cannot be rendered, a SKIPPED ledger entry for the digest id that
 * says why (its members stay DIGESTED, naming it).
 */
public record DigestRendering(Notification notification, DeliveryStatus failed) {

  public static final String EVENT_TYPE = "digest";

  public static DigestRendering of(ClosedDigest d, Renderer renderer, AccountRouter router) {
    Candidate latest = d.latest();
    DomainEvent event = latest.getEvent();
    Rendered rendered;
    try {
      rendered = MailSize.check(renderer.renderDigest(d), d.template());
    } catch (RenderException e) {
      SkipReason reason = SkipReason.ofRenderFailure(e.reason());
      return new DigestRendering(null, DeliveryStatus.newBuilder().setNotificationId(d.digestId())
          .setEventId(d.eventId()).setEventType(EVENT_TYPE).setUserId(latest.getUserId()).setEmail(latest.getEmail())
          .setState(DeliveryState.SKIPPED).setReason(reason.code()).setDetail(e.getMessage()).setAt(d.closedAt())
          .build());
    }
    return new DigestRendering(Notification.newBuilder()
        .setNotificationId(d.digestId())
        .setEventId(d.eventId())
        .setEventType(EVENT_TYPE)
        .setSource(event.getSource())
        .setTeam(event.getTeam())
        .setTemplate(d.template())
        .setAccount(router.accountFor(event.getTeam()))
        .setRecipient(Recipient.newBuilder().setUserId(latest.getUserId()).setEmail(latest.getEmail())
            .setName(latest.getName()).setLocale(latest.getLocale()).setRole(latest.getRole()).build())
        .setSubject(rendered.subject())
        .setTextBody(rendered.text())
        .setHtmlBody(rendered.html())
        .setCreatedAt(d.closedAt())
        .setExpiresAt(d.expiresAt())
        .setPriority(d.priority())
        .build(), null);
  }
}
