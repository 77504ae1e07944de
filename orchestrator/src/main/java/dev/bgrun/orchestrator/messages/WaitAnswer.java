package dev.bgrun.orchestrator.messages;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.bgrun.orchestrator.messages.Shape.Kind;
import dev.bgrun.orchestrator.messages.Shape.Min;
import dev.bgrun.orchestrator.messages.Shape.Nullable;
import dev.bgrun.orchestrator.messages.Shape.Of;

/** {@code wait}: whether the job became ready. */
@JsonClassDescription("Whether the job became ready before it ended or the timeout passed (exit 0, 1 or 124).")
public record WaitAnswer(@JsonPropertyDescription("state ready, or exited for a oneshot job") boolean ready,
                         @JsonPropertyDescription("the wait ran out of time with the job still alive") boolean timedOut,
                         @Of(Kind.STATE) String state,
                         String reason,
                         @Nullable Integer exitCode,
                         @Min(0) long elapsedMs,
                         @Of(Kind.JOB_ID) String id,
                         String name) {
}
