package dev.bgrun.cli.discovery;

import dev.bgrun.cli.Output;
import dev.bgrun.cli.ProjectArgs;
import dev.bgrun.orchestrator.config.Suggestions;
import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import dev.bgrun.orchestrator.json.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.Map;

/** {@code bgrun examples list|show}: a small catalogue of worked examples. */
@Command(name = "examples", description = "Worked examples: what to type for common tasks, and what it does.",
        subcommands = {ExamplesCommand.ListExamples.class, ExamplesCommand.Show.class},
        footerHeading = "%nExamples:%n",
        footer = {"  bgrun examples list", "  bgrun examples show quickstart", "  bgrun examples show agent-loop --json"})
public final class ExamplesCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", description = "List the examples: name and title.",
            footerHeading = "%nExamples:%n", footer = {"  bgrun examples list", "  bgrun examples list --json"})
    static final class ListExamples implements Runnable {
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            List<Catalogue.Example> all = Catalogue.all();
            Output out = ProjectArgs.root(spec).output();
            if (out.json()) {
                out.data(Map.of("examples", all.stream().map(Catalogue.Example::summary).toList()));
                return;
            }
            int width = all.stream().mapToInt(e -> e.name().length()).max().orElse(0);
            for (Catalogue.Example e : all) {
                out.line(out.bold(e.name()) + " ".repeat(width - e.name().length()) + "  " + e.title());
            }
            out.line(out.dim("bgrun examples show NAME for one"));
        }
    }

    @Command(name = "show", description = "Show one example: its files, its commands and what they do.",
            footerHeading = "%nExamples:%n", footer = {"  bgrun examples show stack", "  bgrun examples show spec-json --json",
            "%nJSON: name, title, files (path, content), commands (the lines of its sh blocks), text (the whole markdown)."})
    static final class Show implements Runnable {
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "The example's name (see bgrun examples list).")
        private String name;

        @Override
        public void run() {
            List<Catalogue.Example> all = Catalogue.all();
            Catalogue.Example example = all.stream().filter(e -> e.name().equals(name)).findFirst()
                    .orElseThrow(() -> unknown(name, all.stream().map(Catalogue.Example::name).toList()));
            Output out = ProjectArgs.root(spec).output();
            if (out.json()) {
                out.data(example.toJson());
                return;
            }
            out.line(out.bold(example.name() + ": " + example.title()));
            out.line("");
            out.line(example.text().stripTrailing());
        }

        private static BgrunException unknown(String name, List<String> names) {
            String near = Suggestions.nearest(name, names);
            return new BgrunException(ErrorType.UsageError, "no example \"" + name + "\"",
                    (near != null ? "did you mean \"" + near + "\"? " : "") + "examples: " + String.join(", ", names),
                    Json.object("name", name, "candidates", names), null);
        }
    }
}
