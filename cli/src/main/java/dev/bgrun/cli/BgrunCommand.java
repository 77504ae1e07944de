package dev.bgrun.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.nio.file.Path;

/** The root command: global options, the list of commands, and usage examples. */
@Command(name = "bgrun",
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "A declarative orchestrator for local processes, declared in bgrun.toml.",
        footerHeading = "%nExamples:%n",
        footer = {
                "  bgrun config check              validate bgrun.toml (searched up to the repo root)",
                "  bgrun config graph -f app.toml  start layers of another project file",
                "  bgrun config show --json        resolved job specs, defaults applied",
                "",
                "Output is JSON when stdout is not a terminal, or with --json.",
                "Exit codes: 0 ok, 1 failure, 2 usage or invalid file, 124 timeout.",
                "Documentation: docs/cli.md"})
public final class BgrunCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", negatable = true, scope = ScopeType.INHERIT,
            description = "Print JSON (the default when stdout is not a terminal); --no-json forces the human view.")
    private Boolean json;

    @Option(names = {"-f", "--file"}, scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "The project file (default: bgrun.toml in this directory or a parent, up to the repository root).")
    private Path file;

    private Output output;

    /** The --json/--no-json seen in the raw arguments: a usage error stops picocli before it sets the option. */
    private Boolean jsonFromArgs;

    void jsonFromArgs(Boolean value) {
        jsonFromArgs = value;
    }

    /** Takes the global options of another parse of this invocation's arguments (run's, reordered). */
    public void adopt(BgrunCommand other) {
        json = other.json;
        jsonFromArgs = other.jsonFromArgs;
        file = other.file;
        output = null;
    }

    /** The output for this invocation, created once the options are known. */
    public Output output() {
        if (output == null) {
            output = Output.create(json != null ? json : jsonFromArgs, spec.commandLine().getOut(),
                    spec.commandLine().getErr());
        }
        return output;
    }

    /** The project file named by {@code -f/--file}, or null. */
    public Path file() {
        return file;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
