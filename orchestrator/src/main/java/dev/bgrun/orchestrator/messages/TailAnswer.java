package dev.bgrun.orchestrator.messages;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.bgrun.orchestrator.messages.Shape.Min;

import java.util.List;

/** {@code tail}: the last lines of a job's output. */
@JsonClassDescription("The last lines of the job's output (both streams, in line order).")
public record TailAnswer(List<Line> lines,
                         @JsonPropertyDescription("lines indexed so far") @Min(0) long totalLines,
                         @JsonPropertyDescription("the first line still kept (earlier ones were rotated away)") @Min(1) long firstLine,
                         @JsonPropertyDescription("how many lines are in lines") @Min(0) int shown,
                         @JsonPropertyDescription("more lines were considered than shown") boolean truncated,
                         @JsonPropertyDescription("when truncated: what was shown of how many, and where the full log is")
                         @JsonInclude(JsonInclude.Include.NON_NULL) String summary,
                         @JsonPropertyDescription("the full log") Artifact artifact) {
}
