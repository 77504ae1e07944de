package dev.bgrun.orchestrator.messages;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.bgrun.orchestrator.messages.Shape.Kind;
import dev.bgrun.orchestrator.messages.Shape.Min;
import dev.bgrun.orchestrator.messages.Shape.Of;
import dev.bgrun.orchestrator.messages.Shape.Values;

import java.util.List;

/** {@code screen}: the most recent lines. */
@JsonClassDescription("The most recent lines, from the daemon's memory while the job runs and for 5 minutes after.")
public record ScreenAnswer(List<Line> lines,
                           @JsonPropertyDescription("disk after a daemon restart, or long after the end") @Values({"memory", "disk"}) String source,
                           @Of(Kind.STATE) String state,
                           @Min(0) long totalLines) {
}
