package dev.bgrun.orchestrator.messages;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.bgrun.orchestrator.messages.Shape.Min;

import java.util.Map;

/** {@code restart}: the job once its next incarnation is spawned. */
@JsonClassDescription("The job, once its next incarnation is spawned (or waiting, for a job with after); restarts of one "
        + "job run one after another.")
public record RestartAnswer(@JsonUnwrapped JobFields job,
                            @JsonPropertyDescription("the incarnation current when this restart was handled") @Min(0) int previousIncarnation,
                            @JsonPropertyDescription("whether that incarnation was alive and this restart stopped it") boolean stoppedPrevious) {
    /** From {@code Supervisor.restart}'s view of the job. */
    public static RestartAnswer of(Map<String, Object> view) {
        return new RestartAnswer(JobFields.of(view), Data.integer(view, "previous_incarnation"),
                Boolean.TRUE.equals(view.get("stopped_previous")));
    }
}
