package dev.bgrun.orchestrator.job;

import java.util.Locale;

/** Where a job is in its life (docs/concepts.md has the picture). */
public enum JobState {
    /** Waiting for its after conditions. */
    WAITING,
    /** Being spawned. */
    STARTING,
    /** Spawned; readiness rules not yet met. */
    RUNNING,
    /** Readiness rules met (at once when it has none). */
    READY,
    /** Ended and waiting out its restart backoff. */
    RESTARTING,
    /** Ended with exit code 0. */
    EXITED,
    /** Ended otherwise: non-zero exit, a signal bgrun did not send, a readiness timeout, a health or limit kill. */
    FAILED,
    /** Stopped by the user. */
    STOPPED,
    /** Never started: a dependency can no longer meet its condition. */
    BLOCKED;

    /** Made once: every job keeps its states' keywords (in its transitions), and they should be one string each. */
    private final String keyword = name().toLowerCase(Locale.ROOT);

    public String keyword() {
        return keyword;
    }

    public static JobState fromKeyword(String keyword) {
        for (JobState s : values()) {
            if (s.keyword().equals(keyword)) {
                return s;
            }
        }
        return null;
    }

    /** Ended for good (until the user acts): exited, failed, stopped or blocked. */
    public boolean terminal() {
        return this == EXITED || this == FAILED || this == STOPPED || this == BLOCKED;
    }

    public boolean alive() {
        return !terminal();
    }
}
