package dev.bgrun.orchestrator.messages;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import dev.bgrun.orchestrator.messages.Shape.Kind;
import dev.bgrun.orchestrator.messages.Shape.Of;

import java.util.List;

/** {@code clean}: the jobs removed. */
@JsonClassDescription("The jobs removed.")
public record Removed(@Of(Kind.JOB_ID) List<String> removed) {
}
