package dev.bgrun.orchestrator.messages;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.bgrun.orchestrator.messages.Shape.Min;

import java.util.List;
import java.util.Map;

/** Where a job's full log is (the artifact of a bounded read). */
public record Artifact(
        @JsonPropertyDescription("the live stdout file") String stdout,
        @JsonPropertyDescription("rotated stdout files, oldest first") List<String> stdoutRotated,
        String stderr,
        List<String> stderrRotated,
        @JsonPropertyDescription("bytes on disk, all files") @Min(0) long sizeBytes) {

    /** From {@code LogStore.artifact()}. */
    public static Artifact of(Map<String, Object> artifact) {
        return new Artifact(Data.string(artifact, "stdout"), Data.strings(artifact, "stdout_rotated"),
                Data.string(artifact, "stderr"), Data.strings(artifact, "stderr_rotated"), Data.whole(artifact, "size_bytes"));
    }
}
