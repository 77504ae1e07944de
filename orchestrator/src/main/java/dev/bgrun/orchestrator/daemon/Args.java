package dev.bgrun.orchestrator.daemon;

import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * Typed access to a request's {@code args}: a ProtocolError naming the field when one has the wrong type, a
 * UsageError naming the field and its range when a number or time is out of bounds ({@link Bounds}).
 */
final class Args {
    private final Map<String, Object> args;

    Args(Map<String, Object> args) {
        this.args = args;
    }

    String string(String key) {
        Object v = args.get(key);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw wrong(key, "a string");
    }

    String required(String key) {
        String v = string(key);
        if (v == null || v.isEmpty()) {
            throw new BgrunException(ErrorType.ProtocolError, "missing \"" + key + "\" in args");
        }
        return v;
    }

    boolean flag(String key) {
        Object v = args.get(key);
        if (v == null || v instanceof Boolean) {
            return Boolean.TRUE.equals(v);
        }
        throw wrong(key, "true or false");
    }

    /**
     * A whole number from {@code min} to {@code max}, or the fallback when absent. A number outside the range
     * (however large: JSON may carry any) is a UsageError naming the arg and the range.
     */
    long number(String key, long fallback, long min, long max) {
        Object v = args.get(key);
        if (v == null) {
            return fallback;
        }
        long n = switch (v) {
            case Long l -> l;
            case Integer i -> i;
            case BigInteger big -> throw Bounds.outOfRange("\"" + key + "\"", big.toString(), min, max);
            case Double d when d == Math.rint(d) && Math.abs(d) < 0x1p62 -> d.longValue();
            case Double d when d == Math.rint(d) -> throw Bounds.outOfRange("\"" + key + "\"", d.toString(), min, max);
            default -> throw wrong(key, "a whole number");
        };
        return Bounds.range("\"" + key + "\"", n, min, max);
    }

    /** A count from {@code min} to {@code max} (an int), or the fallback when absent. */
    int count(String key, int fallback, int min, int max) {
        return (int) number(key, fallback, min, max);
    }

    /** A timeout in milliseconds, from 0 to {@link Bounds#MAX_TIMEOUT}, or the fallback when absent. */
    Duration millis(String key, long fallbackMs) {
        return Duration.ofMillis(number(key, fallbackMs, 0, Bounds.MAX_TIMEOUT.toMillis()));
    }

    /** An RFC 3339 time within {@link Bounds#EARLIEST} and {@link Bounds#LATEST}, or null when absent. */
    Instant time(String key) {
        String text = string(key);
        if (text == null) {
            return null;
        }
        try {
            return Bounds.time("\"" + key + "\"", Instant.parse(text));
        } catch (DateTimeParseException e) {
            throw new BgrunException(ErrorType.UsageError, "\"" + key + "\": not a time: \"" + text + "\"",
                    "an RFC 3339 time such as 2026-11-21T10:00:00Z");
        }
    }

    @SuppressWarnings("unchecked")
    List<String> strings(String key) {
        Object v = args.get(key);
        if (v == null) {
            return List.of();
        }
        if (v instanceof List<?> list && list.stream().allMatch(e -> e instanceof String)) {
            return (List<String>) list;
        }
        throw wrong(key, "an array of strings");
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> object(String key) {
        Object v = args.get(key);
        if (v == null) {
            return Map.of();
        }
        if (v instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw wrong(key, "an object");
    }

    /** A list of objects (each a JSON object). */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> objects(String key) {
        Object v = args.get(key);
        if (v == null) {
            return List.of();
        }
        if (v instanceof List<?> list && list.stream().allMatch(e -> e instanceof Map)) {
            return (List<Map<String, Object>>) list;
        }
        throw wrong(key, "an array of objects");
    }

    private static BgrunException wrong(String key, String what) {
        return new BgrunException(ErrorType.ProtocolError, "\"" + key + "\" in args must be " + what);
    }
}
