package dev.bgrun.orchestrator.project;

import dev.bgrun.orchestrator.config.Position;
import dev.bgrun.orchestrator.config.Problems;
import dev.bgrun.orchestrator.config.RawTable;
import dev.bgrun.orchestrator.config.RawValue;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Parses TOML text with tomlj into a {@link RawTable} that keeps every key's position. Whatever the parser
 * does (reports errors, or throws, as tomlj 2.2.0 can on some malformed input), the caller gets either a
 * table or located problems, never an exception.
 */
final class TomlDocument {
    private TomlDocument() {
    }

    /** The document's root table, or null after reporting why it could not be parsed. */
    static RawTable parse(String text, Problems problems) {
        TomlParseResult result;
        try {
            result = Toml.parse(text);
        } catch (Throwable parserFailure) {
            // tomlj throws AssertionError (with -ea) or runtime exceptions on some malformed input.
            problems.add(lastLine(text), "", "not valid TOML: the parser gave up ("
                    + parserFailure.getClass().getSimpleName() + "); check the syntax near the end of the file");
            return null;
        }
        if (result.hasErrors()) {
            for (TomlParseError error : result.errors()) {
                problems.add(position(error.position()), "", "not valid TOML: " + error.getMessage());
            }
            return null;
        }
        return table(result, "", new Position(1, 1));
    }

    private static RawTable table(TomlTable toml, String path, Position position) {
        RawTable table = new RawTable(path, position);
        List<String> keys = new ArrayList<>(toml.keySet());
        keys.sort(Comparator.comparingInt((String k) -> line(toml, k)).thenComparingInt(k -> column(toml, k)));
        for (String key : keys) {
            Position at = position(toml.inputPositionOf(List.of(key)));
            table.put(key, new RawValue(plain(toml.get(List.of(key)), table.pathOf(key), at), at));
        }
        return table;
    }

    private static Object plain(Object value, String path, Position position) {
        return switch (value) {
            case TomlTable t -> table(t, path, position);
            case TomlArray a -> {
                List<Object> list = new ArrayList<>(a.size());
                for (int i = 0; i < a.size(); i++) {
                    list.add(plain(a.get(i), path + "[" + i + "]", position(a.inputPositionOf(i))));
                }
                yield list;
            }
            default -> value;
        };
    }

    private static int line(TomlTable toml, String key) {
        TomlPosition p = toml.inputPositionOf(List.of(key));
        return p == null ? Integer.MAX_VALUE : p.line();
    }

    private static int column(TomlTable toml, String key) {
        TomlPosition p = toml.inputPositionOf(List.of(key));
        return p == null ? Integer.MAX_VALUE : p.column();
    }

    private static Position position(TomlPosition p) {
        return p == null ? Position.UNKNOWN : new Position(p.line(), p.column());
    }

    private static Position lastLine(String text) {
        int lines = (int) text.chars().filter(c -> c == '\n').count();
        return new Position(Math.max(1, text.endsWith("\n") ? lines : lines + 1), 1);
    }
}
