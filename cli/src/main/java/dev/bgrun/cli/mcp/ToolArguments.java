package dev.bgrun.cli.mcp;

import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import dev.bgrun.orchestrator.json.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A tool call's arguments written as the command line they stand for, by the notes {@code schema show} gives each
 * argument: {@code x-bgrun-flags} (an option: its flags, {@code --no-X} when negatable) and {@code x-bgrun-index}
 * (a positional parameter). The parser then checks the values exactly as it checks a typed command.
 */
final class ToolArguments {
    private ToolArguments() {
    }

    /** The words for {@code arguments}: options first, then positional parameters (after "--" when one looks like an option). */
    @SuppressWarnings("unchecked")
    static List<String> words(String tool, Map<String, Object> schemas, Map<String, Object> arguments) {
        List<String> options = new ArrayList<>();
        TreeMap<Integer, List<String>> positional = new TreeMap<>();
        for (Map.Entry<String, Object> argument : (arguments == null ? Map.<String, Object>of() : arguments).entrySet()) {
            Map<String, Object> schema = (Map<String, Object>) schemas.get(argument.getKey());
            if (schema == null) {
                throw new BgrunException(ErrorType.UsageError, "tool " + tool + " takes no argument \"" + argument.getKey() + "\"",
                        "its arguments: " + String.join(", ", schemas.keySet()));
            }
            Object value = argument.getValue();
            if (value == null) {
                continue; // JSON null: not given
            }
            if (schema.get("x-bgrun-index") instanceof String index) {
                positional.put(Integer.parseInt(index.replaceAll("[^0-9].*", "")), values(value));
            } else {
                option(options, (List<String>) schema.get("x-bgrun-flags"), schema, value);
            }
        }
        List<String> words = new ArrayList<>(options);
        List<String> rest = positional.values().stream().flatMap(List::stream).toList();
        if (rest.stream().anyMatch(w -> w.startsWith("-"))) {
            words.add("--");
        }
        words.addAll(rest);
        return words;
    }

    private static void option(List<String> words, List<String> flags, Map<String, Object> schema, Object value) {
        String flag = flags.stream().filter(f -> f.startsWith("--") && !f.startsWith("--no-")).findFirst().orElse(flags.getFirst());
        if ("boolean".equals(schema.get("type"))) {
            if (Boolean.TRUE.equals(value)) {
                words.add(flag);
            } else {
                flags.stream().filter(f -> f.startsWith("--no-")).findFirst().ifPresent(words::add);
            }
            return;
        }
        if (value instanceof Map<?, ?> map && "object".equals(schema.get("type"))) {
            map.forEach((k, v) -> { // --env KEY=VALUE, once per entry
                words.add(flag);
                words.add(k + "=" + scalar(v));
            });
            return;
        }
        if (value instanceof List<?> && "array".equals(schema.get("type"))) {
            for (String one : values(value)) {
                words.add(flag);
                words.add(one);
            }
            return;
        }
        words.add(flag);
        words.add(scalar(value));
    }

    private static List<String> values(Object value) {
        return value instanceof List<?> list ? list.stream().map(ToolArguments::scalar).toList() : List.of(scalar(value));
    }

    /** A value as it is typed: whole numbers without a fraction, objects and arrays as JSON (run's --spec). */
    private static String scalar(Object value) {
        if (value instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
            return Long.toString(d.longValue());
        }
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            return Json.write(value);
        }
        return String.valueOf(value);
    }
}
