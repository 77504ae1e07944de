package dev.bgrun.orchestrator.config;

import java.util.Locale;

/** When a job that ended is started again. */
public enum RestartPolicy {
    /** Never restart. */
    NEVER,
    /** Restart after a non-zero exit, a signal not sent by bgrun, or a kill by a limit or health check. */
    ON_FAILURE,
    /** The reference's name, kept as an alias of on-failure: every failure, limit and health kills included. */
    ON_CRASH,
    /** Restart after any exit that bgrun did not ask for, including exit code 0. */
    ALWAYS;

    public String keyword() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
