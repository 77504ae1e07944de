package dev.bgrun.orchestrator.error;

/** Process exit codes, as documented in docs/cli.md. */
public final class ExitCodes {
    public static final int OK = 0;
    /** An expected failure: not found, job failed, not ready. */
    public static final int FAILURE = 1;
    /** A usage or validation error. */
    public static final int USAGE = 2;
    /** A wait ran out of time. */
    public static final int TIMEOUT = 124;
    /** A job's program could not be found or executed (as a shell's "command not found"). */
    public static final int NOT_EXECUTABLE = 127;
    /** The user interrupted the command (Ctrl-C, SIGTERM), as a shell reports 128 + SIGINT. */
    public static final int INTERRUPTED = 130;

    private ExitCodes() {
    }
}
