package dev.bgrun.orchestrator.logs;

import java.util.Locale;

/**
 * How serious a line looks, from its words (case-insensitive): "error", "fatal", "panic" or "exception"
 * make an error; "warn" a warning. A heuristic that needs no log format, like the reference's.
 */
public enum Level {
    ERROR, WARN;

    /** The line's level, or null for an ordinary line. */
    public static Level of(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.contains("error") || lower.contains("fatal") || lower.contains("panic") || lower.contains("exception")) {
            return ERROR;
        }
        return lower.contains("warn") ? WARN : null;
    }

    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A level by its word ("error", "warn" or "warning"), or null. */
    public static Level fromKeyword(String word) {
        return switch (word.toLowerCase(Locale.ROOT)) {
            case "error", "err" -> ERROR;
            case "warn", "warning" -> WARN;
            default -> null;
        };
    }

    /** Whether a line of level {@code line} is shown by a filter at this level: warn also shows errors. */
    public boolean admits(Level line) {
        return line != null && line.ordinal() <= ordinal();
    }
}
