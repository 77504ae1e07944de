package dev.bgrun.cli;

import dev.bgrun.orchestrator.config.Durations;
import dev.bgrun.orchestrator.daemon.Bounds;
import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;

import java.time.Duration;

/** The {@code --timeout DURATION} option of the commands that wait (wait, expect, run-group, up, exec). */
public final class TimeoutOption {
    private TimeoutOption() {
    }

    /** The duration given, or a usage error that says what was expected. */
    public static Duration parse(String text) {
        Duration d = Durations.parse(text);
        if (d == null) {
            throw new BgrunException(ErrorType.UsageError, "--timeout: expected a duration such as 30s or 5m, got \""
                    + text + "\"");
        }
        return Bounds.timeout("--timeout", d);
    }
}
