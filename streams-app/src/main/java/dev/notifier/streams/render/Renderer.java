package dev.notifier.streams.render;

import dev.notifier.avro.internal.Candidate;
import dev.notifier.streams.policy.ClosedDigest;

/**
 * Renders the email a candidate receives, and the digest email that gathers several.
 * Implementations must never put CR or LF in a subject.
 */
public interface Renderer {

  Rendered render(Candidate candidate);

  /** The digest in its template ({@link ClosedDigest#template()}) and its latest item's locale. */
  Rendered renderDigest(ClosedDigest digest);
}
