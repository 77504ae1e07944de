package dev.bgrun.orchestrator.messages;

import dev.bgrun.orchestrator.messages.Shape.Kind;
import dev.bgrun.orchestrator.messages.Shape.Nullable;
import dev.bgrun.orchestrator.messages.Shape.Of;

import java.util.Map;

/** The root cause of a block: the job whose end means a condition can never hold. */
public record BlockedBy(String job, @Of(Kind.JOB_ID) String id, @Of(Kind.STATE) String state, String reason,
                        @Nullable Integer exitCode) {
    /** The scheduler's root cause, or null when there is none. */
    public static BlockedBy of(Map<String, Object> cause) {
        return cause == null ? null : new BlockedBy(Data.string(cause, "job"), Data.string(cause, "id"),
                Data.string(cause, "state"), Data.string(cause, "reason"), Data.integer(cause, "exit_code"));
    }
}
