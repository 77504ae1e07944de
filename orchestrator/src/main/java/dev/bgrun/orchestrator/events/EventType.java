package dev.bgrun.orchestrator.events;

import java.util.Locale;

/**
 * The kinds of event. Readiness, restarts and exits are transitions (to {@code ready}, {@code restarting},
 * {@code exited}/{@code failed}/{@code stopped}); the others add what a transition cannot say.
 */
public enum EventType {
    /** A job moved from one state to another. */
    TRANSITION,
    /** A health check failed (each failure, before the threshold is reached). */
    HEALTH,
    /** A job ended in a way its {@code alert} key asks to hear about. */
    ALERT,
    /** A job wrote a line starting with {@code BGRUN_NOTIFY:}. */
    NOTIFY;

    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static EventType fromKeyword(String word) {
        for (EventType t : values()) {
            if (t.keyword().equals(word)) {
                return t;
            }
        }
        return null;
    }
}
