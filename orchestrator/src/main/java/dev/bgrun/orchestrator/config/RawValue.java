package dev.bgrun.orchestrator.config;

/**
 * A value as a document holds it, before it is checked: a String, Long, Double, Boolean, a
 * {@code List<Object>} of such values, a {@link RawTable}, or another TOML scalar (a date), with the
 * position of its key.
 */
public record RawValue(Object value, Position position) {

    /** How the value's type reads in a message: {@code an integer (42)}. */
    public String describe() {
        return switch (value) {
            case String s -> "a string (\"" + abbreviate(s) + "\")";
            case Long l -> "an integer (" + l + ")";
            case Integer i -> "an integer (" + i + ")";
            case Double d -> "a float (" + d + ")";
            case Boolean b -> "a boolean (" + b + ")";
            case java.util.List<?> l -> "an array";
            case RawTable t -> "a table";
            case null -> "nothing";
            default -> "a date (" + value + ")";
        };
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
