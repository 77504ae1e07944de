package dev.bgrun.orchestrator.messages;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import dev.bgrun.orchestrator.messages.Shape.Kind;
import dev.bgrun.orchestrator.messages.Shape.Of;

import java.util.List;

/** {@code stop}: the jobs this call stopped. */
@JsonClassDescription("The jobs this call stopped.")
public record Stopped(@Of(Kind.JOB_ID) List<String> stopped) {
}
