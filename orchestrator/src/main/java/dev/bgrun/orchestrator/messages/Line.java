package dev.bgrun.orchestrator.messages;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.bgrun.orchestrator.logs.LogLine;
import dev.bgrun.orchestrator.messages.Shape.Kind;
import dev.bgrun.orchestrator.messages.Shape.Min;
import dev.bgrun.orchestrator.messages.Shape.Of;

import java.util.Map;

/** One line of a job's output. */
public record Line(
        @JsonPropertyDescription("one sequence for both streams and every incarnation") @Min(1) long lineNumber,
        @Of(Kind.STREAM) String stream,
        @JsonPropertyDescription("when bgrun indexed the line") @Of(Kind.TIME) String timestamp,
        @Min(0) int incarnation,
        @JsonPropertyDescription("the line without its newline") String content) {

    public static Line of(LogLine line) {
        return line == null ? null : new Line(line.number(), line.stream(), line.timestamp().toString(), line.incarnation(), line.text());
    }

    /** From {@code LogLine.toJson()} (or null). */
    public static Line of(Map<String, Object> line) {
        return line == null ? null : new Line(Data.whole(line, "line_number"), Data.string(line, "stream"),
                Data.string(line, "timestamp"), Data.integer(line, "incarnation"), Data.string(line, "content"));
    }
}
