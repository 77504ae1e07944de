package dev.bgrun.orchestrator.messages;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.bgrun.orchestrator.messages.Shape.Kind;
import dev.bgrun.orchestrator.messages.Shape.Min;
import dev.bgrun.orchestrator.messages.Shape.Nullable;
import dev.bgrun.orchestrator.messages.Shape.Of;

/** {@code expect}: whether a line matched, the job ended first, or the timeout passed. */
@JsonClassDescription("Whether a line matched (exit 0), the job ended first (1) or the timeout passed (124).")
public record ExpectAnswer(boolean matched,
                           boolean timedOut,
                           @JsonPropertyDescription("the job ended before a line matched") boolean ended,
                           @JsonPropertyDescription("the matching line") @Nullable Line line,
                           @Nullable @Min(1) Long lineNumber,
                           @JsonPropertyDescription("the matching line's content (the reference tool's field)") @Nullable String content,
                           @Min(0) long elapsedMs,
                           @Of(Kind.JOB_ID) String id,
                           String name,
                           @Of(Kind.STATE) String state,
                           String reason) {
}
