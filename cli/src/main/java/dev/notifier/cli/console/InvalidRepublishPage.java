package dev.notifier.cli.console;

import dev.notifier.cli.ops.invalid.InvalidEvent;
import dev.notifier.cli.ops.invalid.InvalidRepublishCommand;
import dev.notifier.cli.ops.invalid.Republisher;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The page that republishes every invalid event of one error, as {@code notifier invalid republish --error} does:
 * a dry run first (how many would go back, which are skipped and why), then the republication of at most {@value
 * #AT_ONCE} events a request, the oldest first; what was written is skipped the next time, so the same form submitted
 * again goes on with the rest.
 */
final class InvalidRepublishPage {

  /** The most events one request republishes (one transaction each): the page answers within seconds. */
  static final int AT_ONCE = 500;
  /** Skipped events listed by position, per reason. */
  static final int LISTED = 20;

  private InvalidRepublishPage() {
  }

  /** What every state of the page shows: its heading, and the form's fields to submit again. */
  static Map<String, Object> base(Views views, String lang, String error, String reason) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pageTitle", views.text(lang, "inv.bulkHeading", error));
    m.put("heading", views.text(lang, "inv.bulkHeading", error));
    m.put("intro", views.text(lang, "inv.bulkIntro", InvalidRepublishCommand.DEFAULT_MAX_REPUBLISH));
    m.put("error", error);
    m.put("reason", reason == null ? "" : reason);
    m.put("back", "/invalid?error=" + Params.encode(error));
    m.put("backText", views.text(lang, "inv.backError", error));
    return m;
  }

  /** The part of {@code plan} one request republishes: the first {@code max} of its events. */
  static Republisher.Plan atOnce(Republisher.Plan plan, int max) {
    List<InvalidEvent> now = plan.toRepublish().size() <= max ? plan.toRepublish()
        : plan.toRepublish().subList(0, max);
    return new Republisher.Plan(now, plan.alreadyRepublished(), plan.quarantined());
  }

  /** The dry run: how many of {@code matched} would be republished now and in all, and which are skipped. */
  static Map<String, Object> dryRun(Views views, String lang, Republisher.Plan plan, int matched) {
    Map<String, Object> m = new LinkedHashMap<>();
    int all = plan.toRepublish().size();
    m.put("dryRun", all > 0);
    m.put("would", views.text(lang, "inv.wouldRepublish", all, matched));
    if (all > AT_ONCE) {
      m.put("atOnce", views.text(lang, "inv.atOnce", AT_ONCE));
    }
    m.put("now", views.text(lang, "inv.bulkNow", Math.min(all, AT_ONCE)));
    m.putAll(skipped(views, lang, plan));
    return m;
  }

  /** After a republication of {@code written} events: what is left of {@code plan} for the next request. */
  static Map<String, Object> done(Views views, String lang, Republisher.Plan plan, int written, int matched,
      String topic, String who, String reason) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("done", views.text(lang, "inv.bulkDone", written, matched, topic, who, reason));
    int left = plan.toRepublish().size() - written;
    if (left > 0) {
      m.put("left", views.text(lang, "inv.bulkLeft", left));
      m.put("dryRun", true);
      m.put("now", views.text(lang, "inv.bulkNow", Math.min(left, AT_ONCE)));
    }
    m.putAll(skipped(views, lang, plan));
    return m;
  }

  private static Map<String, Object> skipped(Views views, String lang, Republisher.Plan plan) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("already", views.text(lang, "inv.skippedAlready", plan.alreadyRepublished().size()));
    m.put("alreadyAt", positions(plan.alreadyRepublished()));
    m.put("quarantined", views.text(lang, "inv.skippedQuarantined", plan.quarantined().size(),
        InvalidRepublishCommand.DEFAULT_MAX_REPUBLISH));
    m.put("quarantinedAt", positions(plan.quarantined()));
    return m;
  }

  private static List<String> positions(List<InvalidEvent> events) {
    return events.stream().limit(LISTED).map(InvalidEvent::position).toList();
  }
}
