package dev.bgrun.orchestrator.messages;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/** {@code run}: the job, and whether an alive job of the same name was returned instead. */
@JsonClassDescription("The job (its fields as list prints them) and whether an alive job of the same name was returned instead.")
public record RunAnswer(@JsonUnwrapped JobFields job,
                        @JsonPropertyDescription("whether an alive job of the same name was returned instead of starting one") boolean reused) {
}
