package dev.bgrun.orchestrator.messages;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.bgrun.orchestrator.messages.Shape.Kind;
import dev.bgrun.orchestrator.messages.Shape.Min;
import dev.bgrun.orchestrator.messages.Shape.Nullable;
import dev.bgrun.orchestrator.messages.Shape.Of;

import java.util.List;

/** {@code diff}: the lines after a cursor, and the cursor to pass next time. */
@JsonClassDescription("The lines after the cursor, and the cursor to pass next time (kept by the daemon under cursor_name).")
public record DiffAnswer(@JsonPropertyDescription("the last line looked at: the next diff starts after it") @Min(0) long cursor,
                         List<Line> lines,
                         @JsonPropertyDescription("lines after the cursor were left for the next diff (--lines was reached)") boolean more,
                         @JsonPropertyDescription("lines after the caller's cursor that had been rotated away") @Min(0) long missed,
                         @JsonPropertyDescription("the cursor was past the end of this log (another job's), so the diff started over") boolean reset,
                         @Min(0) long totalLines,
                         @JsonPropertyDescription("the daemon-kept cursor moved; null with --cursor") @Nullable String cursorName,
                         @JsonPropertyDescription("when more: how many lines are left") @JsonInclude(JsonInclude.Include.NON_NULL) String summary,
                         @JsonPropertyDescription("when more: the full log") @JsonInclude(JsonInclude.Include.NON_NULL) Artifact artifact,
                         @Of(Kind.STATE) String state) {
}
