package dev.bgrun.cli.discovery;

import dev.bgrun.cli.Output;
import dev.bgrun.cli.ProjectArgs;
import dev.bgrun.orchestrator.json.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bgrun schema list|show}: JSON Schema (draft 2020-12) of each command's input (its options and
 * arguments, from the picocli model), its output in JSON mode and the error envelope (from the orchestrator's
 * {@code OutputSchemas}), so an agent can learn the shapes at run time instead of scraping docs.
 */
@Command(name = "schema", description = "JSON Schema of each command's input, output and error, for agents and scripts.",
        subcommands = {SchemaCommand.ListSchemas.class, SchemaCommand.Show.class},
        footerHeading = "%nExamples:%n",
        footer = {"  bgrun schema list", "  bgrun schema show run", "  bgrun schema show config check --json",
                "  bgrun schema kill                 short for: bgrun schema show kill"})
public final class SchemaCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "COMMAND",
            description = "A command as typed, short for `schema show COMMAND` (the reference tool's form).")
    private List<String> words = new ArrayList<>();

    @Override
    public void run() {
        if (words.isEmpty()) {
            spec.commandLine().usage(spec.commandLine().getOut());
        } else {
            Show.print(spec, words);
        }
    }

    @Command(name = "list", description = "List the commands whose schemas schema show prints.")
    static final class ListSchemas implements Runnable {
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            Output out = ProjectArgs.root(spec).output();
            List<Map<String, Object>> commands = new ArrayList<>();
            CommandSchemas.commands().forEach((name, command) -> {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("name", name);
                entry.put("description", CommandSchemas.description(command));
                commands.add(entry);
            });
            if (out.json()) {
                out.data(Json.object("commands", commands));
                return;
            }
            int width = commands.stream().mapToInt(c -> ((String) c.get("name")).length()).max().orElse(0);
            out.line(out.bold(pad("COMMAND", width) + "  DESCRIPTION"));
            for (Map<String, Object> c : commands) {
                out.line(out.cyan(pad((String) c.get("name"), width)) + "  " + c.get("description"));
            }
            out.note(out.dim("bgrun schema show COMMAND prints one command's input, output and error schemas"));
        }

        private static String pad(String s, int width) {
            return s + " ".repeat(Math.max(0, width - s.length()));
        }
    }

    @Command(name = "show", description = "Print a command's input, output and error as JSON Schema (draft 2020-12).",
            footerHeading = "%nExamples:%n",
            footer = {"  bgrun schema show run          the options, and the job spec --spec takes",
                    "  bgrun schema show tail         one object; with --follow, NDJSON lines (stream)",
                    "  bgrun schema show daemon status"})
    static final class Show implements Runnable {
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "A command as typed: run, tail, config check.")
        private List<String> words = new ArrayList<>();

        @Override
        public void run() {
            print(spec, words);
        }

        static void print(CommandLine.Model.CommandSpec spec, List<String> words) {
            Output out = ProjectArgs.root(spec).output();
            Map<String, Object> schema = CommandSchemas.show(CommandSchemas.resolve(words));
            if (out.json()) {
                out.data(schema);
            } else {
                out.line(Json.writePretty(schema));
            }
        }
    }
}
