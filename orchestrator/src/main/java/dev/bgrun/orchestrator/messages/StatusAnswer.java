package dev.bgrun.orchestrator.messages;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.bgrun.orchestrator.messages.Shape.Min;

import java.util.List;

/** {@code status}: one job, its log files and its latest transitions. */
@JsonClassDescription("One job: its fields, its log files and its latest transitions (up to 50, oldest first).")
public record StatusAnswer(@JsonUnwrapped JobFields job,
                           Log log,
                           List<JobTransition> transitions,
                           @JsonPropertyDescription("the default diff cursor: the last line a plain `diff` looked at (0 before any)") @Min(0) long lastDiffCursor) {

    /** The job's log files. */
    public record Log(@JsonPropertyDescription("path of the stdout log file") String stdout,
                      @JsonPropertyDescription("path of the stderr log file") String stderr,
                      @JsonPropertyDescription("lines indexed so far, both streams together") @Min(0) long lines) {
    }
}
