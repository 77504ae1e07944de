package dev.bgrun.orchestrator.job;

import dev.bgrun.orchestrator.config.JobSpec;

import java.util.Map;

/**
 * The read-only face of a supervised job, what the scheduler decides on. Each getter reads the latest facts;
 * {@link #frozen()} gives a view whose facts all come from one moment.
 */
public interface JobView {
    String id();

    String name();

    String workspace();

    JobSpec spec();

    JobState state();

    String reason();

    /** The exit code of the last ended incarnation, or null. */
    Integer exitCode();

    /** Whether the current incarnation's process was spawned (it may have ended since). */
    boolean spawned();

    /** For a blocked job: the root cause ({job, state, reason, ...}), else null. */
    Map<String, Object> blockedBy();

    /** The facts as they are now, immutable: several getters of it agree with each other. */
    default JobView frozen() {
        return this;
    }
}
