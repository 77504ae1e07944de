package dev.bgrun.orchestrator.messages;

import dev.bgrun.orchestrator.messages.Shape.Kind;
import dev.bgrun.orchestrator.messages.Shape.Of;

import java.util.List;

/** {@code events} without follow: the events after the cursor, and the cursor after the last one. */
public record EventsAnswer(List<Event> events, @Of(Kind.CURSOR) String cursor) {
}
