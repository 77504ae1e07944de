package dev.bgrun.orchestrator.error;

/**
 * The closed set of error types bgrun reports, each with its exit code. The JSON error envelope names
 * the type; scripts and agents branch on it, so a type is never renamed or removed.
 */
public enum ErrorType {
    /** The command line was malformed: unknown option, missing argument, bad value. */
    UsageError(ExitCodes.USAGE, false),
    /** The project file (or a job spec) failed validation; the details list every problem. */
    ConfigInvalid(ExitCodes.USAGE, false),
    /** No project file was found where one was looked for. */
    ConfigNotFound(ExitCodes.FAILURE, false),
    /** A job reference matched no job. */
    JobNotFound(ExitCodes.FAILURE, false),
    /** A job reference matched several jobs. */
    AmbiguousJob(ExitCodes.USAGE, false),
    /** The state root is unusable: not a directory, owned by someone else, not writable. */
    StateError(ExitCodes.FAILURE, false),
    /** The daemon could not be reached or started. */
    DaemonUnavailable(ExitCodes.FAILURE, true),
    /** A request to the daemon was malformed or of another protocol version. */
    ProtocolError(ExitCodes.USAGE, false),
    /** The job is not in a state that allows this (e.g. send to an ended job). */
    InvalidState(ExitCodes.FAILURE, false),
    /** A wait ran out of time. */
    Timeout(ExitCodes.TIMEOUT, true),
    /** The job failed (non-zero exit, readiness timeout, health or limit kill). */
    JobFailed(ExitCodes.FAILURE, false),
    /** A job's program could not be found or executed, so the job never started (exit 127, as a shell's). */
    ExecFailed(ExitCodes.NOT_EXECUTABLE, false),
    /** A file could not be read or written. */
    IoError(ExitCodes.FAILURE, true),
    /** A bound was reached (too many requests waiting for one job); the same call may succeed later. */
    Busy(ExitCodes.FAILURE, true),
    /**
     * The daemon reached a limit of the system (its file limit): the message names the limit and the use.
     * The same call may succeed once jobs or clients have ended, or with a higher limit.
     */
    ResourceExhausted(ExitCodes.FAILURE, true),
    /** A bug in bgrun: the message says what failed. */
    Internal(ExitCodes.FAILURE, false);

    private final int exitCode;
    private final boolean retryable;

    ErrorType(int exitCode, boolean retryable) {
        this.exitCode = exitCode;
        this.retryable = retryable;
    }

    public int exitCode() {
        return exitCode;
    }

    /** Whether the same call may succeed if simply tried again. */
    public boolean retryable() {
        return retryable;
    }
}
