package dev.bgrun.cli.discovery;

import dev.bgrun.cli.Cli;
import dev.bgrun.cli.Output;
import dev.bgrun.cli.ProjectArgs;
import dev.bgrun.cli.VersionProvider;
import dev.bgrun.orchestrator.config.Condition;
import dev.bgrun.orchestrator.config.JobKeys;
import dev.bgrun.orchestrator.config.KeyType;
import dev.bgrun.orchestrator.config.RestartPolicy;
import dev.bgrun.orchestrator.config.SpecKey;
import dev.bgrun.orchestrator.daemon.Protocol;
import dev.bgrun.orchestrator.error.ErrorType;
import dev.bgrun.orchestrator.error.ExitCodes;
import dev.bgrun.orchestrator.events.EventLog;
import dev.bgrun.orchestrator.job.JobState;
import dev.bgrun.orchestrator.json.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * {@code bgrun capabilities}: what this bgrun can do, read from the code itself: the command model, the job
 * keys, the enums of states, policies, conditions and error types. Nothing here is a list kept by hand except
 * the meaning of each exit code and of each output format.
 */
@Command(name = "capabilities",
        description = "Describe what this bgrun can do, read from its own code: commands, options, job keys, events, error types.",
        footerHeading = "%nExamples:%n",
        footer = {"  bgrun capabilities",
                "  bgrun capabilities --json",
                "",
                "Details of one command: bgrun COMMAND --help. Every job key: docs/bgrun-toml.md."})
public final class CapabilitiesCommand implements Runnable {
    @CommandLine.Spec
    private CommandSpec spec;

    @Override
    public void run() {
        Map<String, Object> caps = capabilities();
        Output out = ProjectArgs.root(spec).output();
        if (out.json()) {
            out.data(caps);
        } else {
            printHuman(out, caps);
        }
    }

    static Map<String, Object> capabilities() {
        CommandLine cli = Cli.commandLine();
        Map<String, Object> caps = new LinkedHashMap<>();
        caps.put("name", "bgrun");
        caps.put("version", VersionProvider.version());
        caps.put("protocol", Protocol.VERSION);
        caps.put("platform", Json.object("os", System.getProperty("os.name"), "arch", System.getProperty("os.arch"),
                "java", Runtime.version().toString()));
        caps.put("global_options", options(cli.getCommandSpec(), false));
        caps.put("commands", commands(cli));
        List<Map<String, Object>> keys = new ArrayList<>();
        for (SpecKey<?> key : JobKeys.all()) {
            keys.add(Json.object("name", key.name(), "type", key.type().describe(), "default", defaultValue(key)));
        }
        caps.put("job_keys", keys);
        caps.put("readiness", keysWith(SpecKey.Trait.READINESS));
        caps.put("health_checks", keysWith(SpecKey.Trait.HEALTH));
        caps.put("restart_policies", Arrays.stream(RestartPolicy.values()).map(RestartPolicy::keyword).toList());
        caps.put("dependency_conditions", Arrays.stream(Condition.values()).map(Condition::keyword).toList());
        caps.put("job_states", Arrays.stream(JobState.values()).map(JobState::keyword).toList());
        caps.put("event_types", EventLog.TYPES);
        caps.put("exit_codes", List.of(
                Json.object("code", ExitCodes.OK, "meaning", "success"),
                Json.object("code", ExitCodes.FAILURE, "meaning", "an expected failure: not found, job failed, not ready, daemon unavailable, I/O"),
                Json.object("code", ExitCodes.USAGE, "meaning", "a usage error, an invalid project file or spec, an ambiguous job reference"),
                Json.object("code", ExitCodes.TIMEOUT, "meaning", "a timeout: wait, expect, run-group/up/exec --timeout"),
                Json.object("code", ExitCodes.NOT_EXECUTABLE, "meaning", "a job's program could not be found or executed: run, run-group, up, exec"),
                Json.object("code", "any", "meaning", "exec: the exit code of its command")));
        List<Map<String, Object>> errors = new ArrayList<>();
        for (ErrorType type : ErrorType.values()) {
            errors.add(Json.object("type", type.name(), "exit_code", type.exitCode(), "retryable", type.retryable()));
        }
        caps.put("error_types", errors);
        caps.put("output_formats", List.of(
                Json.object("name", "json", "when", "--json, or by default when stdout is not a terminal",
                        "shape", "one object on stdout; an error is {\"ok\":false,\"error\":{\"type\",\"message\",\"details\":{...,\"hint\",\"retryable\"}}} on stderr"),
                Json.object("name", "human", "when", "--no-json, or by default on a terminal",
                        "shape", "text; colour only on a terminal and never with NO_COLOR"),
                Json.object("name", "ndjson", "when", "streams, in JSON mode",
                        "shape", "one object a line: list, events, tail --follow, run-group --stream, up")));
        return caps;
    }

    /** Every command of the model, each once (aliases map to the same command), with its options and arguments. */
    private static List<Map<String, Object>> commands(CommandLine cli) {
        List<Map<String, Object>> commands = new ArrayList<>();
        for (CommandLine sub : new LinkedHashSet<>(cli.getSubcommands().values())) {
            CommandSpec s = sub.getCommandSpec();
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", s.name());
            if (s.aliases().length > 0) {
                c.put("aliases", List.of(s.aliases()));
            }
            String[] description = s.usageMessage().description();
            c.put("summary", description.length == 0 ? "" : description[0].replace("%n", " ").strip());
            List<String> args = new ArrayList<>();
            for (PositionalParamSpec p : s.positionalParameters()) {
                if (!p.hidden()) {
                    String label = p.paramLabel() + (p.arity().max() > 1 ? "..." : "");
                    args.add(p.arity().min() == 0 ? "[" + label + "]" : label);
                }
            }
            if (!args.isEmpty()) {
                c.put("args", args);
            }
            List<String> options = options(s, true);
            if (!options.isEmpty()) {
                c.put("options", options);
            }
            if (!sub.getSubcommands().isEmpty()) {
                c.put("subcommands", commands(sub));
            }
            commands.add(c);
        }
        return commands;
    }

    /** Options as "--long VALUE" (or "--switch"); without the global ones inherited by every command. */
    private static List<String> options(CommandSpec s, boolean ownOnly) {
        List<String> options = new ArrayList<>();
        for (OptionSpec o : s.options()) {
            if (o.hidden() || (ownOnly && (o.inherited() || o.usageHelp() || o.versionHelp()))) {
                continue;
            }
            String names = o.negatable() ? o.longestName().replaceFirst("^--", "--[no-]") : String.join("|", o.names());
            options.add(o.arity().max() > 0 ? names + " " + o.paramLabel() : names);
        }
        return options;
    }

    private static List<String> keysWith(SpecKey.Trait trait) {
        return JobKeys.all().stream().filter(k -> k.has(trait)).map(SpecKey::name).toList();
    }

    @SuppressWarnings("unchecked")
    private static Object defaultValue(SpecKey<?> key) {
        return key.defaultValue() == null ? null : ((KeyType<Object>) key.type()).toJson(key.defaultValue());
    }


    @SuppressWarnings("unchecked")
    private static void printHuman(Output out, Map<String, Object> caps) {
        Map<String, Object> platform = (Map<String, Object>) caps.get("platform");
        out.line(out.bold("bgrun " + caps.get("version")) + " on " + platform.get("os") + " " + platform.get("arch")
                + ", Java " + platform.get("java") + ", daemon protocol " + caps.get("protocol"));
        List<String> commands = new ArrayList<>();
        for (Map<String, Object> c : (List<Map<String, Object>>) caps.get("commands")) {
            String name = (String) c.get("name");
            if (c.get("subcommands") instanceof List<?> subs) {
                name += " " + String.join("|", subs.stream().map(x -> (String) ((Map<String, Object>) x).get("name")).toList());
            }
            commands.add(name);
        }
        row(out, "commands", commands);
        row(out, "job keys", ((List<Map<String, Object>>) caps.get("job_keys")).stream().map(k -> (String) k.get("name")).toList());
        row(out, "readiness", (List<String>) caps.get("readiness"));
        row(out, "health", (List<String>) caps.get("health_checks"));
        row(out, "restart", (List<String>) caps.get("restart_policies"));
        row(out, "after", (List<String>) caps.get("dependency_conditions"));
        row(out, "states", (List<String>) caps.get("job_states"));
        row(out, "events", (List<String>) caps.get("event_types"));
        row(out, "exit codes", ";", ((List<Map<String, Object>>) caps.get("exit_codes")).stream()
                .map(e -> e.get("code") + " " + e.get("meaning")).toList());
        row(out, "errors", ((List<Map<String, Object>>) caps.get("error_types")).stream()
                .map(e -> e.get("type") + " (" + e.get("exit_code") + ")").toList());
        row(out, "output", ";", ((List<Map<String, Object>>) caps.get("output_formats")).stream()
                .map(f -> f.get("name") + ": " + f.get("when")).toList());
        out.line(out.dim("bgrun capabilities --json for every command's options; bgrun COMMAND --help for one"));
    }

    /** A label and its items, separated by commas, wrapped at 100 columns under the items' first column. */
    private static void row(Output out, String label, List<String> items) {
        row(out, label, ",", items);
    }

    private static void row(Output out, String label, String separator, List<String> items) {
        int indent = 12;
        StringBuilder line = new StringBuilder(String.format("%-" + indent + "s", label));
        int width = indent;
        for (int i = 0; i < items.size(); i++) {
            String item = items.get(i) + (i < items.size() - 1 ? separator : "");
            if (width > indent && width + 1 + item.length() > 100) {
                line.append('\n').append(" ".repeat(indent));
                width = indent;
            } else if (width > indent) {
                line.append(' ');
                width++;
            }
            line.append(item);
            width += item.length();
        }
        out.line(line.toString());
    }
}
