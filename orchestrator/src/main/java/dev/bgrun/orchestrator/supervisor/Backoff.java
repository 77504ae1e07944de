package dev.bgrun.orchestrator.supervisor;

import dev.bgrun.orchestrator.config.JobKeys;

import java.time.Duration;

/**
 * Restart delays: {@code backoff-ms}, doubled for each restart in a row, capped at {@code backoff-max-ms}.
 * The streak resets once an incarnation has stayed up for the cap: a job that crashes once a day is not
 * delayed as if it crashed in a loop. No delay is shorter than {@link JobKeys#BACKOFF_FLOOR}.
 */
final class Backoff {
    private Backoff() {
    }

    static Duration delay(Duration base, Duration cap, int streak) {
        long floor = JobKeys.BACKOFF_FLOOR.toMillis();
        long max = Math.max(floor, cap.toMillis());
        long ms = Math.max(floor, base.toMillis());
        for (int i = 0; i < streak && ms < max; i++) {
            ms *= 2;
        }
        return Duration.ofMillis(Math.min(ms, max));
    }

    /** Whether an incarnation that ran this long resets the streak. */
    static boolean stable(Duration ranFor, Duration cap) {
        return ranFor.compareTo(cap) >= 0;
    }
}
