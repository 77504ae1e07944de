package dev.bgrun.cli.config;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bgrun config}: check, show and graph the project file. */
@Command(name = "config", description = "Check, show and graph the project file.",
        subcommands = {ConfigCheckCommand.class, ConfigShowCommand.class, ConfigGraphCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {"  bgrun config check", "  bgrun config show web", "  bgrun config graph --format mermaid"})
public final class ConfigCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
