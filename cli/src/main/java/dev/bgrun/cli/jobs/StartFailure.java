package dev.bgrun.cli.jobs;

import java.util.Map;

/** Reads a job's record (or a group's failure) for the one start failure with its own exit code. */
public final class StartFailure {
    private StartFailure() {
    }

    /**
     * Whether the job never started because its program could not be found or executed: the daemon (for a
     * shell command) or the shim (for an exec) said "cannot run" and recorded 127, as a shell would.
     */
    public static boolean notExecutable(Map<String, Object> job) {
        return "failed".equals(job.get("state")) && job.get("exit_code") instanceof Number code && code.intValue() == 127
                && String.valueOf(job.get("reason")).startsWith("could not start: cannot run ");
    }
}
