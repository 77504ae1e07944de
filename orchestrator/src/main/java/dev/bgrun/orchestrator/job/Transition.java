package dev.bgrun.orchestrator.job;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One change of a job's state, as the supervisor records it: who, from what to what, why, and when.
 *
 * @param at          when it happened
 * @param jobId       the job's id
 * @param name        the job's name
 * @param workspace   the job's workspace
 * @param from        the state before, null for a job's first transition
 * @param to          the state after
 * @param reason      why, in words
 * @param incarnation the job's incarnation number at the time
 */
public record Transition(Instant at, String jobId, String name, String workspace, JobState from, JobState to,
                         String reason, int incarnation) {

    /** The transition as JSON data (the {@code transition} event of run-group streams). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "transition");
        m.put("at", at.toString());
        m.put("id", jobId);
        m.put("job", name);
        m.put("workspace", workspace);
        m.put("from", from == null ? null : from.keyword());
        m.put("to", to.keyword());
        m.put("reason", reason);
        m.put("incarnation", incarnation);
        return m;
    }
}
