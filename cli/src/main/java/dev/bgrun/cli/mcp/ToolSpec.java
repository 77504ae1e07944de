package dev.bgrun.cli.mcp;

import java.util.List;
import java.util.Set;

/**
 * One MCP tool as a bgrun command: the command's words, the options it does not offer (streaming ones, and the
 * global ones the server sets), and how its JSON becomes the tool's answer. Its schemas are the command's own
 * (see {@link ToolSchemas}).
 *
 * @param name        the tool's name
 * @param command     the bgrun command it runs ({@code run-group}, {@code config check})
 * @param description what it does, or null for the command's own description
 * @param only        the only arguments it takes (null: all but {@code drop})
 * @param drop        arguments it does not take
 * @param require     arguments it requires beyond the command's own required ones
 * @param fixed       words always added to the command line
 * @param listKey     for an NDJSON command, the key its lines are gathered under; null for one JSON document
 */
record ToolSpec(String name, List<String> command, String description, Set<String> only, Set<String> drop,
                Set<String> require, List<String> fixed, String listKey) {

    /** A command that prints one JSON document. */
    static ToolSpec document(String name, String... command) {
        return new ToolSpec(name, List.of(command), null, null, Set.of(), Set.of(), List.of(), null);
    }

    /** A command that prints NDJSON: the lines are gathered in an array under {@code key}. */
    static ToolSpec lines(String name, String key, String... command) {
        return new ToolSpec(name, List.of(command), null, null, Set.of(), Set.of(), List.of(), key);
    }

    ToolSpec described(String text) {
        return new ToolSpec(name, command, text, only, drop, require, fixed, listKey);
    }

    ToolSpec without(String... arguments) {
        return new ToolSpec(name, command, description, only, Set.of(arguments), require, fixed, listKey);
    }

    ToolSpec onlyWith(Set<String> arguments, Set<String> required, String... always) {
        return new ToolSpec(name, command, description, arguments, drop, required, List.of(always), listKey);
    }

    /** Whether the tool takes this argument of its command. */
    boolean takes(String argument) {
        return !GLOBAL.contains(argument) && !drop.contains(argument) && (only == null || only.contains(argument));
    }

    /** Options the server sets itself: JSON always, and its own project file. */
    private static final Set<String> GLOBAL = Set.of("json", "file", "file-argument");
}
