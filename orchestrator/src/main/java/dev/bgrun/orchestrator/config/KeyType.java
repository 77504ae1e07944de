package dev.bgrun.orchestrator.config;

import java.util.Map;

/**
 * How one kind of spec value is checked, converted and described. The same type reads the TOML key, the
 * JSON spec field and (later) the command-line flag, renders the value back for {@code config show}, and
 * describes it in JSON Schema and the docs.
 */
public interface KeyType<T> {

    /** Converts a raw value; on a bad value reports a problem through {@code at} and returns null. */
    T read(RawValue raw, At at);

    /** The value as plain JSON data (String, Number, Boolean, List, Map), in the form a user writes it. */
    Object toJson(T value);

    /** A JSON Schema fragment for the value. */
    Map<String, Object> jsonSchema();

    /** A short human name of the type for the reference docs: {@code "duration"}, {@code "string or array"}. */
    String describe();

    /**
     * The raw value that command-line flag values stand for: by default the last value as a string; types
     * that take numbers, lists or tables override it. The result is then checked by {@link #read}, exactly
     * like a TOML or JSON value.
     */
    default Object fromFlags(java.util.List<String> values) {
        return values.getLast();
    }

    /** Whether the flag takes no value (a boolean switch). */
    default boolean isSwitch() {
        return false;
    }

    /** Whether the flag may be repeated, each value adding to a list or table. */
    default boolean repeatable() {
        return false;
    }

    /** Where a value is being read, to report a problem about it. */
    record At(Problems problems, String key, Position position) {
        public <T> T fail(String message) {
            problems.add(position, key, message);
            return null;
        }

        public <T> T fail(String message, String suggestion) {
            problems.add(position, key, message, suggestion);
            return null;
        }
    }
}
