package dev.bgrun.orchestrator.messages;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.bgrun.orchestrator.messages.Shape.Kind;
import dev.bgrun.orchestrator.messages.Shape.Min;
import dev.bgrun.orchestrator.messages.Shape.Nullable;
import dev.bgrun.orchestrator.messages.Shape.Of;

import java.util.Map;

/** One transition in a job's record (status). */
public record JobTransition(@Of(Kind.TIME) String at,
                            @JsonPropertyDescription("null for the job's first transition") @Nullable @Of(Kind.STATE) String from,
                            @Of(Kind.STATE) String to,
                            String reason,
                            @Min(0) int incarnation) {
    /** From a job's recorded transition ({@code Job.transitions()}). */
    public static JobTransition of(Map<String, Object> t) {
        return new JobTransition(Data.string(t, "at"), Data.string(t, "from"), Data.string(t, "to"),
                Data.string(t, "reason"), Data.integer(t, "incarnation"));
    }
}
