package dev.bgrun.orchestrator.messages;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.bgrun.orchestrator.messages.Shape.Min;

/** The answer that ends {@code tail --follow} once the job has ended (the CLI prints nothing of it). */
public record FollowEnd(boolean ended,
                        @JsonPropertyDescription("the job's state, or removed") String state,
                        @Min(0) long lastLine) {
}
