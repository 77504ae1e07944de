package dev.bgrun.orchestrator.scheduler;

import dev.bgrun.orchestrator.config.Condition;
import dev.bgrun.orchestrator.job.JobState;
import dev.bgrun.orchestrator.job.JobView;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where one {@code after} edge stands: its condition holds now, may still come to hold, or never can (the
 * dependent is then blocked, with the root cause).
 *
 * @param verdict  holds, pending or never
 * @param why      for never: why, in words
 * @param rootCause for never: the job at the root of it ({job, state, reason})
 */
public record EdgeStatus(Verdict verdict, String why, Map<String, Object> rootCause) {
    public enum Verdict { HOLDS, PENDING, NEVER }

    static final EdgeStatus HOLDS = new EdgeStatus(Verdict.HOLDS, null, null);
    static final EdgeStatus PENDING = new EdgeStatus(Verdict.PENDING, null, null);

    /**
     * The status of "{@code dependency} is {@code condition}". A restarting dependency is pending (its
     * dependents keep waiting through restarts until max-restarts runs out); a ready dependency that later
     * dies no longer holds.
     */
    public static EdgeStatus of(JobView live, Condition condition) {
        JobView dependency = live.frozen();
        {
            JobState state = dependency.state();
            boolean oneshot = dependency.spec().oneshot();
            boolean completed = state == JobState.EXITED || state == JobState.RESTARTING && dependency.spec().succeeded(dependency.exitCode());
            boolean holds = switch (condition) {
                case STARTED -> dependency.spawned() && state != JobState.STARTING;
                case READY -> state == JobState.READY || oneshot && state == JobState.EXITED;
                case COMPLETED -> completed;
                case EXITED -> dependency.spawned() && (state == JobState.RESTARTING
                        || state == JobState.EXITED || state == JobState.FAILED || state == JobState.STOPPED);
            };
            if (holds) {
                return HOLDS;
            }
            if (state.alive()) {
                return PENDING;
            }
            return new EdgeStatus(Verdict.NEVER, describe(dependency, condition), rootCause(dependency));
        }
    }

    private static String describe(JobView dependency, Condition condition) {
        String wanted = switch (condition) {
            case STARTED -> "start";
            case READY -> dependency.spec().oneshot() ? "complete" : "become ready";
            case COMPLETED -> "complete";
            case EXITED -> "exit";
        };
        String root = dependency.state() == JobState.BLOCKED && dependency.blockedBy() != null
                ? "; root cause: " + dependency.blockedBy().get("job") + " " + dependency.blockedBy().get("state")
                + " (" + dependency.blockedBy().get("reason") + ")"
                : " (" + dependency.reason() + ")";
        return dependency.name() + " will not " + wanted + ": it is " + dependency.state().keyword() + root;
    }

    /** The job at the root of a block: the blocked dependency's own root, or the dependency itself. */
    private static Map<String, Object> rootCause(JobView dependency) {
        if (dependency.state() == JobState.BLOCKED && dependency.blockedBy() != null) {
            return dependency.blockedBy();
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("job", dependency.name());
        root.put("id", dependency.id());
        root.put("state", dependency.state().keyword());
        root.put("reason", dependency.reason());
        root.put("exit_code", dependency.exitCode());
        return root;
    }
}
