package dev.bgrun.orchestrator.messages;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.bgrun.orchestrator.messages.Shape.Const;
import dev.bgrun.orchestrator.messages.Shape.Min;

/** {@code send}: what was written to the job's stdin. */
@JsonClassDescription("What was written to the job's stdin.")
public record SendAnswer(@Const("true") boolean ok,
                         @Min(0) int bytes,
                         @JsonPropertyDescription("the job's stdin was closed after") boolean eof) {
}
