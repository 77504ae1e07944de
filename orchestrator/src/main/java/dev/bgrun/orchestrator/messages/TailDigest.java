package dev.bgrun.orchestrator.messages;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.bgrun.orchestrator.messages.Shape.Min;
import dev.bgrun.orchestrator.messages.Shape.Nullable;

/** {@code tail --digest}: a summary of a job's output. */
@JsonClassDescription("With --digest: how many lines, errors and warnings, and the notable lines.")
public record TailDigest(@JsonPropertyDescription("lines looked at (after the stream filter)") @Min(0) long lines,
                         @Min(0) long errors,
                         @Min(0) long warnings,
                         @Nullable Line firstLine,
                         @Nullable Line lastError,
                         @Nullable Line lastWarning,
                         @Nullable Line lastLine,
                         @Min(0) long totalLines,
                         Artifact artifact) {
}
