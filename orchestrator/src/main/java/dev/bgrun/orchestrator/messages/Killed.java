package dev.bgrun.orchestrator.messages;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.bgrun.orchestrator.messages.Shape.Kind;
import dev.bgrun.orchestrator.messages.Shape.Of;

import java.util.List;

/** {@code kill}: the jobs stopped, or signalled and the signal. */
@JsonClassDescription("The jobs stopped, or with -s the jobs signalled and the signal.")
public record Killed(@Of(Kind.JOB_ID) List<String> killed,
                     @JsonPropertyDescription("only with -s: the signal sent") @JsonInclude(JsonInclude.Include.NON_NULL) String signal) {
}
