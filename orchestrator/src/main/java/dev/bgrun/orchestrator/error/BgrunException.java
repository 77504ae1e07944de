package dev.bgrun.orchestrator.error;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one exception type bgrun throws for errors a user can act on. It carries the error type (which
 * decides the exit code), a message, a hint and structured details; the CLI maps it to the JSON error
 * envelope or to a human message in one place.
 */
public class BgrunException extends RuntimeException {
    private final ErrorType type;
    private final String hint;
    private final Map<String, Object> details;

    public BgrunException(ErrorType type, String message) {
        this(type, message, null, Map.of(), null);
    }

    public BgrunException(ErrorType type, String message, String hint) {
        this(type, message, hint, Map.of(), null);
    }

    public BgrunException(ErrorType type, String message, String hint, Map<String, Object> details, Throwable cause) {
        super(message, cause);
        this.type = type;
        this.hint = hint;
        this.details = new LinkedHashMap<>(details);
    }

    public ErrorType type() {
        return type;
    }

    /** What the user can do about it, or null. */
    public String hint() {
        return hint;
    }

    /** Structured facts about the error, rendered under {@code error.details} in JSON. */
    public Map<String, Object> details() {
        return details;
    }
}
