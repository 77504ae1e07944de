package dev.bgrun.orchestrator.config;

import java.util.Locale;

/** What a dependent waits for in a dependency, as written in {@code after = { db = "ready" }}. */
public enum Condition {
    /** The dependency's process was spawned. */
    STARTED,
    /** The dependency met its readiness rules (a job without rules is ready once spawned). */
    READY,
    /** The dependency exited with code 0. The default for a oneshot dependency. */
    COMPLETED,
    /** The dependency exited, whatever its code. */
    EXITED;

    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Condition fromKeyword(String keyword) {
        for (Condition c : values()) {
            if (c.keyword().equals(keyword)) {
                return c;
            }
        }
        return null;
    }
}
