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
        // Each key's position is looked up once, and the keys sorted only when tomlj did not keep them in
        // document order (as it does for most tables): a large file has thousands of keys here.
        List<Keyed> keys = new ArrayList<>(toml.size());
        boolean inOrder = true;
        for (String key : toml.keySet()) {
            Keyed keyed = new Keyed(key, toml.inputPositionOf(List.of(key)));
            inOrder &= keys.isEmpty() || IN_DOCUMENT_ORDER.compare(keys.getLast(), keyed) <= 0;
            keys.add(keyed);
        }
        if (!inOrder) {
            keys.sort(IN_DOCUMENT_ORDER);
        }
        for (Keyed keyed : keys) {
            Position at = position(keyed.at());
            Object value = toml.get(List.of(keyed.key()));
            // Only a table or an array passes its path on; most values are scalars, which need none.
            String inner = value instanceof TomlTable || value instanceof TomlArray ? table.pathOf(keyed.key()) : null;
            table.put(keyed.key(), new RawValue(plain(value, inner, at), at));
        }
        return table;
    }

    /** A key of a table with where it was written (null when tomlj does not know). */
    private record Keyed(String key, TomlPosition at) {
    }

    private static final Comparator<Keyed> IN_DOCUMENT_ORDER = Comparator
            .comparingInt((Keyed k) -> k.at() == null ? Integer.MAX_VALUE : k.at().line())
            .thenComparingInt(k -> k.at() == null ? Integer.MAX_VALUE : k.at().column());

    private static Object plain(Object value, String path, Position position) {
        return switch (value) {
            case TomlTable t -> table(t, path, position);
            case TomlArray a -> {
                List<Object> list = new ArrayList<>(a.size());
                for (int i = 0; i < a.size(); i++) {
                    Object element = a.get(i);
                    String inner = element instanceof TomlTable || element instanceof TomlArray ? path + "[" + i + "]" : null;
                    list.add(plain(element, inner, position(a.inputPositionOf(i))));
                }
                yield list;
            }
            default -> value;
        };
    }

    private static Position position(TomlPosition p) {
        return p == null ? Position.UNKNOWN : new Position(p.line(), p.column());
    }

    private static Position lastLine(String text) {
        int lines = (int) text.chars().filter(c -> c == '\n').count();
        return new Position(Math.max(1, text.endsWith("\n") ? lines : lines + 1), 1);
    }
}
