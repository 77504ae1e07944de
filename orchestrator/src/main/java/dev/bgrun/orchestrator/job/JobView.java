package dev.bgrun.orchestrator.job;

import dev.bgrun.orchestrator.config.JobSpec;

import java.util.Map;

/**
 * The read-only face of a supervised job, what the scheduler decides on. Implementations guard it with their
 * own monitor, so {@code synchronized (view)} gives a consistent reading of several facts.
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
}
