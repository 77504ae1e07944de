package dev.bgrun.cli.discovery;

import dev.bgrun.cli.Cli;
import dev.bgrun.orchestrator.config.JobKeys;
import dev.bgrun.orchestrator.config.SpecKey;
import dev.bgrun.orchestrator.config.Suggestions;
import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import dev.bgrun.orchestrator.schema.JobSpecSchema;
import dev.bgrun.orchestrator.schema.OutputSchemas;
import dev.bgrun.orchestrator.schema.Schemas;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The schemas of {@code bgrun schema}: a command's input read from its picocli model (the same model that
 * parses the command line, prints {@code --help} and generates completion scripts), its output and the error
 * envelope from {@link OutputSchemas}. Nothing here lists options by hand.
 */
final class CommandSchemas {
    /** Options whose value is JSON, described by a schema of their own instead of "a string". */
    private static final Map<String, Supplier<Map<String, Object>>> JSON_VALUES = Map.of(
            "run --spec", () -> Schemas.describe(Schemas.oneOf(List.of(JobSpecSchema.runSpec(),
                            Schemas.describe(Schemas.with(Schemas.string(), "pattern", "^(@.+|-)$"),
                                    "@FILE reads the spec from a file, - from standard input"))),
                    "The whole job spec: a JSON object (written as JSON text on the command line), @FILE or -."));

    private CommandSchemas() {
    }

    /** Every command that does something (not config or daemon alone), by name as typed, in help order. */
    static Map<String, CommandSpec> commands() {
        Map<String, CommandSpec> out = new LinkedHashMap<>();
        collect(Cli.commandLine(), out, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
        return out;
    }

    private static void collect(CommandLine parent, Map<String, CommandSpec> out, Set<CommandSpec> seen) {
        for (CommandLine sub : parent.getSubcommands().values()) {
            CommandSpec spec = sub.getCommandSpec();
            if (!seen.add(spec) || spec.usageMessage().hidden()) {
                continue; // an alias (ls) names a command already listed
            }
            if (sub.getSubcommands().isEmpty()) {
                out.put(name(spec), spec);
            } else {
                collect(sub, out, seen);
            }
        }
    }

    /** "config check" for "bgrun config check". */
    static String name(CommandSpec spec) {
        return spec.qualifiedName(" ").substring(spec.root().name().length()).strip();
    }

    static String description(CommandSpec spec) {
        return String.join(" ", spec.usageMessage().description()).replace("%n", " ").strip();
    }

    /**
     * The command named by these words ("config check", or "config", "check"; an alias such as ls), or a usage
     * error that suggests the nearest name.
     */
    static String resolve(List<String> words) {
        String asked = String.join(" ", words).strip().replaceAll("\\s+", " ");
        Map<String, CommandSpec> commands = commands();
        if (commands.containsKey(asked)) {
            return asked;
        }
        CommandLine node = Cli.commandLine();
        for (String word : asked.split(" ")) {
            node = node == null ? null : node.getSubcommands().get(word);
        }
        if (node != null && node.getSubcommands().isEmpty()) {
            return name(node.getCommandSpec()); // an alias
        }
        List<String> names = List.copyOf(commands.keySet());
        if (node != null) {
            String prefix = asked + " ";
            List<String> children = names.stream().filter(n -> n.startsWith(prefix)).toList();
            throw new BgrunException(ErrorType.UsageError, "\"" + asked + "\" is a group of commands: "
                    + String.join(", ", children), "name one of them: bgrun schema show " + children.getFirst(),
                    dev.bgrun.orchestrator.json.Json.object("command", asked, "candidates", children), null);
        }
        // A near miss of a group's word ("confg") suggests the group's commands.
        List<String> groups = names.stream().filter(n -> n.contains(" ")).map(n -> n.substring(0, n.indexOf(' ')))
                .distinct().toList();
        List<String> candidates = new ArrayList<>(names);
        candidates.addAll(groups);
        String nearest = Suggestions.nearest(asked, candidates);
        List<String> meant = nearest == null ? List.of() : groups.contains(nearest)
                ? names.stream().filter(n -> n.startsWith(nearest + " ")).toList() : List.of(nearest);
        throw new BgrunException(ErrorType.UsageError, "no command \"" + asked + "\"",
                (meant.isEmpty() ? "" : "did you mean " + String.join(" or ", meant.stream().map(n -> "\"" + n + "\"").toList())
                        + "? ") + "`bgrun schema list` lists every command",
                dev.bgrun.orchestrator.json.Json.object("command", asked, "candidates", names), null);
    }

    /** What {@code schema show} prints for one command. */
    static Map<String, Object> show(String name) {
        CommandSpec spec = commands().get(name);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("command", name);
        out.put("description", description(spec));
        out.put("input", input(name, spec));
        OutputSchemas.CommandOutput output = OutputSchemas.of(name);
        if (output == null) {
            out.put("output", null);
            out.put("note", "not described yet");
        } else {
            out.putAll(OutputSchemas.describe(name, output));
        }
        out.put("error", OutputSchemas.error());
        return out;
    }

    /**
     * The command's options and positional parameters as one object: each option under its long name without
     * dashes ({@code lines} for {@code -l/--lines}), each positional parameter under its label in lower case
     * ({@code job} for {@code JOB}); {@code x-bgrun-flags} and {@code x-bgrun-index} say how to write each.
     */
    static Map<String, Object> input(String name, CommandSpec spec) {
        Map<String, Object> properties = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        for (OptionSpec option : spec.options()) {
            if (option.usageHelp() || option.versionHelp() || option.hidden()) {
                continue;
            }
            String key = option.longestName().replaceFirst("^-+", "");
            Map<String, Object> schema = JSON_VALUES.containsKey(name + " " + option.longestName())
                    ? JSON_VALUES.get(name + " " + option.longestName()).get()
                    : value(option);
            List<String> flags = new ArrayList<>(List.of(option.names()));
            if (option.negatable()) {
                flags.add(option.longestName().replaceFirst("^--", "--no-"));
            }
            schema.put("x-bgrun-flags", flags);
            if (option.inherited()) {
                schema.put("x-bgrun-global", true);
            }
            SpecKey<?> specKey = name.equals("run") ? specKey(key) : null;
            if (specKey != null) {
                schema.put("x-bgrun-spec-key", specKey.name());
            }
            properties.put(key, schema);
            if (option.required()) {
                required.add(key);
            }
        }
        for (PositionalParamSpec positional : spec.positionalParameters()) {
            if (positional.hidden()) {
                continue;
            }
            String key = positional.paramLabel().toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
            if (properties.containsKey(key)) {
                key = key + "-argument"; // config check FILE beside the global -f/--file
            }
            Map<String, Object> schema = value(positional);
            schema.put("x-bgrun-index", positional.index().toString());
            properties.put(key, schema);
            if (positional.arity().min() > 0) {
                required.add(key);
            }
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        schema.put("required", required);
        schema.put("additionalProperties", false);
        return Schemas.document("bgrun " + name + " input", "The options and arguments of `bgrun " + name
                + "` as one object: options by long name, arguments by label; x-bgrun-flags and x-bgrun-index say how "
                + "each is written on the command line.", schema);
    }

    /** The JSON Schema of one option's or parameter's value, from its Java type, arity and default. */
    private static Map<String, Object> value(ArgSpec arg) {
        Map<String, Object> schema;
        if (arg.isMultiValue()) {
            Class<?>[] aux = arg.auxiliaryTypes();
            Map<String, Object> item = scalar(aux.length == 0 ? String.class : aux[aux.length - 1], arg);
            schema = Map.class.isAssignableFrom(arg.type()) ? Schemas.mapOf(item) : Schemas.arrayOf(item);
            if (arg.arity().min() > 1 || arg instanceof PositionalParamSpec && arg.arity().min() > 0) {
                schema.put("minItems", arg.arity().min());
            }
        } else {
            schema = scalar(arg.type(), arg);
        }
        String description = String.join(" ", arg.description()).replace("%n", " ").strip();
        if (!description.isEmpty()) {
            schema.put("description", description);
        }
        Object defaultValue = defaultValue(arg, schema);
        if (defaultValue != null) {
            schema.put("default", defaultValue);
        }
        return schema;
    }

    private static Map<String, Object> scalar(Class<?> type, ArgSpec arg) {
        if (type == boolean.class || type == Boolean.class) {
            return Schemas.bool();
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return Schemas.integer();
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            return Schemas.number();
        }
        Map<String, Object> schema = Schemas.string();
        if (type.isEnum()) {
            List<String> values = new ArrayList<>();
            Iterable<String> candidates = arg.completionCandidates();
            if (candidates != null) {
                candidates.forEach(values::add);
            }
            if (values.isEmpty()) {
                for (Object constant : type.getEnumConstants()) {
                    values.add(constant.toString());
                }
            }
            schema.put("enum", values);
        }
        return schema;
    }

    /** The default as a JSON value of the schema's type; false for a switch. */
    private static Object defaultValue(ArgSpec arg, Map<String, Object> schema) {
        String text = arg.defaultValue();
        Object type = schema.get("type");
        if (text == null) {
            return "boolean".equals(type) && arg.arity().max() == 0 && arg.initialValue() instanceof Boolean b ? b : null;
        }
        try {
            return switch (String.valueOf(type)) {
                case "integer" -> Long.parseLong(text);
                case "number" -> Double.parseDouble(text);
                case "boolean" -> Boolean.parseBoolean(text);
                default -> text;
            };
        } catch (NumberFormatException e) {
            return text;
        }
    }

    /** The job key a run flag sets: its name or one of its reference spellings. */
    private static SpecKey<?> specKey(String flag) {
        for (SpecKey<?> key : JobKeys.all()) {
            if (key.name().equals(flag) || key.flagAliases().contains(flag)) {
                return key;
            }
        }
        return null;
    }
}
