package dev.bgrun.cli;

import dev.bgrun.cli.completion.LiveValues;
import dev.bgrun.cli.completion.ShellScripts;
import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.List;

/**
 * Prints a shell completion script generated from the command model itself, or the live values its scripts
 * complete: the ids of alive jobs and their workspaces.
 */
@Command(name = "completions", description = "Print a shell completion script, or the job ids and workspaces it completes.",
        footerHeading = "%nExamples:%n",
        footer = {"  bgrun completions --shell bash > /etc/bash_completion.d/bgrun",
                "  source <(bgrun completions --shell zsh)      # in ~/.zshrc",
                "  bgrun completions --shell fish > ~/.config/fish/completions/bgrun.fish",
                "  bgrun completions --active-ids               id<TAB>workspace/name state, one job a line"})
public final class CompletionsCommand implements Runnable {
    enum Shell { bash, zsh, fish }

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--shell", description = "The shell: ${COMPLETION-CANDIDATES}.")
    private Shell shell;

    @Option(names = "--active-ids", description = "Print the alive jobs of the running daemon, one a line: the id, a tab, WORKSPACE/NAME STATE.")
    private boolean activeIds;

    @Option(names = "--workspaces", description = "Print the workspaces of the alive jobs of the running daemon, one a line.")
    private boolean workspaces;

    @Override
    public void run() {
        int chosen = (shell != null ? 1 : 0) + (activeIds ? 1 : 0) + (workspaces ? 1 : 0);
        if (chosen != 1) {
            throw new BgrunException(ErrorType.UsageError, (chosen == 0 ? "say what to print" : "give only one of them")
                    + ": --shell SHELL, --active-ids or --workspaces", "see `bgrun completions --help`");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (shell != null) {
            out.print(switch (shell) {
                case bash -> ShellScripts.bash(Cli.commandLine());
                // picocli's script runs in zsh through bashcompinit; it is sourced, not put on fpath.
                case zsh -> "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n"
                        + ShellScripts.bash(Cli.commandLine());
                case fish -> ShellScripts.fish(Cli.commandLine());
            });
        } else {
            List<String> lines = activeIds ? LiveValues.activeIds() : LiveValues.workspaces();
            lines.forEach(out::println);
        }
        out.flush();
    }
}
