package dev.bgrun.orchestrator.daemon;

import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;

import java.util.List;
import java.util.Map;

/** Typed access to a request's {@code args}, with a ProtocolError naming the field when one is wrong. */
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

    long number(String key, long fallback) {
        Object v = args.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        throw wrong(key, "a number");
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
