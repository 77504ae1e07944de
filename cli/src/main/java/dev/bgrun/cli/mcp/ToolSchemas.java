package dev.bgrun.cli.mcp;

import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tool's schemas, read from what {@code bgrun schema show COMMAND} prints (the same lookup an agent uses):
 * the input is the command's options and arguments, less those the tool does not take; the output is the
 * command's JSON document, or for NDJSON an object holding its lines.
 *
 * @param arguments the command's own input properties the tool takes, with the x-bgrun-* keys that say how
 *                  each is written on the command line (what {@link ToolArguments} reads)
 */
record ToolSchemas(String description, Map<String, Object> arguments, Map<String, Object> input,
                   Map<String, Object> output, Map<String, Object> error) {

    /** What {@code schema show} prints for this command, from the CLI run in this JVM. */
    static Map<String, Object> show(List<String> command) {
        List<String> args = new ArrayList<>(List.of("schema", "show"));
        args.addAll(command);
        args.add("--json");
        CliCall call = CliCall.run(args);
        Map<String, Object> shown = call.document();
        if (shown == null) {
            throw new BgrunException(ErrorType.Internal, "schema show " + String.join(" ", command) + " printed no schema: "
                    + call.stderr().strip(), "this is a bug in bgrun; please report it");
        }
        return shown;
    }

    /**
     * What {@code schema show} prints for each of these commands, looked up in parallel: each lookup builds the
     * whole command line, a few hundred milliseconds, and an MCP client waits for them before its first call.
     */
    static Map<List<String>, Map<String, Object>> showAll(java.util.Collection<List<String>> commands) {
        Map<List<String>, Map<String, Object>> shown = new java.util.concurrent.ConcurrentHashMap<>();
        commands.stream().distinct().toList().parallelStream().forEach(command -> shown.put(command, show(command)));
        return shown;
    }

    @SuppressWarnings("unchecked")
    static ToolSchemas of(ToolSpec tool, Map<String, Object> shown) {
        Map<String, Object> commandInput = (Map<String, Object>) shown.get("input");
        Map<String, Object> arguments = new LinkedHashMap<>();
        Map<String, Object> properties = new LinkedHashMap<>();
        ((Map<String, Object>) commandInput.get("properties")).forEach((name, schema) -> {
            if (tool.takes(name)) {
                arguments.put(name, schema);
                properties.put(name, forClients((Map<String, Object>) schema));
            }
        });
        List<String> required = new ArrayList<>();
        for (Object name : (List<Object>) commandInput.get("required")) {
            if (properties.containsKey(name)) {
                required.add((String) name);
            }
        }
        tool.require().stream().filter(name -> !required.contains(name)).forEach(required::add);
        Map<String, Object> input = object(properties, required);
        Map<String, Object> output;
        if (tool.listKey() == null) {
            output = forClients((Map<String, Object>) shown.get("output"));
            // MCP wants an object at the root; a oneOf of objects (tail, with or without --digest) says so too.
            output.putIfAbsent("type", "object");
        } else {
            Map<String, Object> stream = (Map<String, Object>) shown.get("stream");
            Map<String, Object> lines = new LinkedHashMap<>();
            lines.put(tool.listKey(), Map.of("type", "array", "items", forClients((Map<String, Object>) stream.get("items"))));
            List<String> needed = new ArrayList<>(List.of(tool.listKey()));
            if ("events".equals(tool.listKey())) {
                lines.put("cursor", Map.of("type", "string", "description", "The cursor to pass as since next time."));
                needed.add("cursor");
            }
            output = object(lines, needed);
        }
        String description = tool.description() != null ? tool.description() : (String) shown.get("description");
        return new ToolSchemas(description, arguments, input, output, forClients((Map<String, Object>) shown.get("error")));
    }

    static Map<String, Object> object(Map<String, Object> properties, List<String> required) {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        schema.put("required", required);
        schema.put("additionalProperties", false);
        return schema;
    }

    /**
     * The schema as an MCP client reads it: without bgrun's x-bgrun-* notes on how to write a flag, and without
     * {@code $schema} (MCP's default dialect is the same draft 2020-12; some clients' validators reject a
     * dialect named inside a tool's schema).
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> forClients(Map<String, Object> schema) {
        return (Map<String, Object>) clean(schema);
    }

    @SuppressWarnings("unchecked")
    private static Object clean(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<String, Object>) map).forEach((key, v) -> {
                if (!key.equals("$schema") && !key.startsWith("x-bgrun-")) {
                    out.put(key, clean(v));
                }
            });
            return out;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(ToolSchemas::clean).toList();
        }
        return value;
    }
}
