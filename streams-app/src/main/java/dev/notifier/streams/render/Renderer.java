package dev.notifier.streams.render;

import dev.notifier.avro.internal.Candidate;

/** Renders the email a candidate receives. Implementations must never put CR or LF in a subject. */
public interface Renderer {

  Rendered render(Candidate candidate);
}
