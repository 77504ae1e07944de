package dev.bgrun.orchestrator.daemon;

import dev.bgrun.orchestrator.config.Durations;
import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;

import java.time.Duration;
import java.time.Instant;

/**
 * The ranges of the protocol's numbers and times, shared by the daemon's {@link Args} and the CLI's own
 * parsing: a value outside them is a UsageError naming the bound, never an overflow deep inside.
 */
public final class Bounds {
    /** The longest wait any command accepts (wait, expect, send, run_group). */
    public static final Duration MAX_TIMEOUT = Duration.ofDays(365);
    /** The most events {@code bgrun events --limit} prints: the CLI reads them a page at a time. */
    public static final long MAX_EVENTS = 1_000_000;
    /**
     * The most events one {@code events} call on the socket returns: an answer is built whole in the daemon's
     * memory (10,000 events are a few MiB), so a larger one is asked for page by page, after its cursor.
     */
    public static final long MAX_EVENTS_PER_CALL = 10_000;
    /** The highest line number or cursor: far beyond any log, and safe from overflow when added to. */
    public static final long MAX_LINE = 1L << 53;
    /** The earliest and latest time a {@code --since} may name (the years RFC 3339 can write). */
    public static final Instant EARLIEST = Instant.parse("0000-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

    private Bounds() {
    }

    /** The timeout, or a UsageError naming {@code what} (a flag or an arg) and the bound. */
    public static Duration timeout(String what, Duration d) {
        if (d.isNegative() || d.compareTo(MAX_TIMEOUT) > 0) {
            throw new BgrunException(ErrorType.UsageError, what + ": expected a duration from 0 to "
                    + Durations.format(MAX_TIMEOUT) + " (365 days), got " + Durations.format(d), "e.g. 30s, 5m or 2h");
        }
        return d;
    }

    /** The time, or a UsageError naming {@code what} and the years allowed. */
    public static Instant time(String what, Instant t) {
        if (t.isBefore(EARLIEST) || t.isAfter(LATEST)) {
            throw new BgrunException(ErrorType.UsageError, what + ": expected a time between " + EARLIEST + " and "
                    + LATEST + ", got " + t, "e.g. 2026-11-21T10:00:00Z, or a duration ago such as 5m");
        }
        return t;
    }

    /** The whole number, or a UsageError naming {@code what} and the range. */
    public static long range(String what, long n, long min, long max) {
        if (n < min || n > max) {
            throw outOfRange(what, String.valueOf(n), min, max);
        }
        return n;
    }

    public static BgrunException outOfRange(String what, String got, long min, long max) {
        return new BgrunException(ErrorType.UsageError, what + ": expected a whole number from " + min + " to " + max
                + ", got " + got);
    }
}
