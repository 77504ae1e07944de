package dev.bgrun.cli.stack;

import dev.bgrun.cli.TimeoutOption;
import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import picocli.CommandLine.Option;

import java.time.Duration;

/** The options run-group, up and exec share: which jobs, which workspace, how long to wait. */
public final class StackOptions {
    @Option(names = "--no-deps", description = "Start only the named jobs, not what they depend on (their dependencies must already run).")
    boolean noDeps;

    @Option(names = {"-w", "--workspace"}, paramLabel = "WS",
            description = "Run the jobs in this workspace instead of the project's: a second copy of the stack beside the first.")
    String workspace;

    @Option(names = {"-t", "--timeout"}, paramLabel = "DURATION",
            description = "Give up when the jobs are not all ready after this long (exit 124).")
    String timeout;

    /** The timeout in milliseconds, 0 for none. */
    long timeoutMs() {
        if (timeout == null) {
            return 0;
        }
        Duration d = TimeoutOption.parse(timeout);
        if (d.isZero()) {
            throw new BgrunException(ErrorType.UsageError, "--timeout: expected a duration such as 30s or 5m, got \""
                    + timeout + "\"");
        }
        return d.toMillis();
    }
}
