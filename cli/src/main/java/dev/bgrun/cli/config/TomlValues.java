package dev.bgrun.cli.config;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Writes plain JSON-shaped values back as TOML right-hand sides, for {@code config show}. */
final class TomlValues {
    private TomlValues() {
    }

    static String format(Object value) {
        return switch (value) {
            case String s -> quote(s);
            case List<?> list -> list.stream().map(TomlValues::format).collect(Collectors.joining(", ", "[", "]"));
            case Map<?, ?> map -> map.isEmpty() ? "{}" : map.entrySet().stream()
                    .map(e -> key(String.valueOf(e.getKey())) + " = " + format(e.getValue()))
                    .collect(Collectors.joining(", ", "{ ", " }"));
            default -> String.valueOf(value);
        };
    }

    static String key(String key) {
        return key.matches("[A-Za-z0-9_-]+") ? key : quote(key);
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\u%04X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
