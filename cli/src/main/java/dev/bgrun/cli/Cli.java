package dev.bgrun.cli;

import dev.bgrun.cli.config.ConfigCommand;
import dev.bgrun.cli.discovery.CapabilitiesCommand;
import dev.bgrun.cli.discovery.DoctorCommand;
import dev.bgrun.cli.discovery.ExamplesCommand;
import dev.bgrun.cli.discovery.SkillCommand;
import dev.bgrun.cli.jobs.CleanCommand;
import dev.bgrun.cli.jobs.DaemonCommand;
import dev.bgrun.cli.jobs.KillCommand;
import dev.bgrun.cli.jobs.ListCommand;
import dev.bgrun.cli.jobs.RestartCommand;
import dev.bgrun.cli.jobs.RunCommand;
import dev.bgrun.cli.jobs.StatusCommand;
import dev.bgrun.cli.jobs.StopCommand;
import dev.bgrun.cli.jobs.TailCommand;
import dev.bgrun.cli.jobs.WaitCommand;
import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import picocli.CommandLine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Builds the {@code bgrun} command line; shared by {@link Main} and the tests that run commands in-process. */
public final class Cli {
    /** The top-level commands, by name. Each is built only when the command line needs it. */
    private static final Map<String, Supplier<Object>> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("run", RunCommand::create);
        COMMANDS.put("list", ListCommand::new);
        COMMANDS.put("status", StatusCommand::new);
        COMMANDS.put("tail", TailCommand::new);
        COMMANDS.put("diff", dev.bgrun.cli.jobs.DiffCommand::new);
        COMMANDS.put("screen", dev.bgrun.cli.jobs.ScreenCommand::new);
        COMMANDS.put("send", dev.bgrun.cli.jobs.SendCommand::new);
        COMMANDS.put("wait", WaitCommand::new);
        COMMANDS.put("stop", StopCommand::new);
        COMMANDS.put("kill", KillCommand::new);
        COMMANDS.put("restart", RestartCommand::new);
        COMMANDS.put("clean", CleanCommand::new);
        COMMANDS.put("run-group", dev.bgrun.cli.stack.RunGroupCommand::new);
        COMMANDS.put("up", dev.bgrun.cli.stack.UpCommand::new);
        COMMANDS.put("down", dev.bgrun.cli.stack.DownCommand::new);
        COMMANDS.put("exec", dev.bgrun.cli.stack.ExecCommand::new);
        COMMANDS.put("events", dev.bgrun.cli.jobs.EventsCommand::new);
        COMMANDS.put("expect", dev.bgrun.cli.jobs.ExpectCommand::new);
        COMMANDS.put("stats", dev.bgrun.cli.jobs.StatsCommand::new);
        COMMANDS.put("daemon", DaemonCommand::new);
        COMMANDS.put("config", ConfigCommand::new);
        COMMANDS.put("schema", dev.bgrun.cli.discovery.SchemaCommand::new);
        COMMANDS.put("doctor", DoctorCommand::new);
        COMMANDS.put("capabilities", CapabilitiesCommand::new);
        COMMANDS.put("examples", ExamplesCommand::new);
        COMMANDS.put("skill", SkillCommand::new);
        COMMANDS.put("completions", CompletionsCommand::new);
        COMMANDS.put("mcp", dev.bgrun.cli.mcp.McpCommand::new);
        COMMANDS.put("help", CommandLine.HelpCommand::new);
    }

    private Cli() {
    }

    /**
     * Runs one command for {@code user}: its output goes to the user's streams, and relative paths, the
     * environment and terminals are the user's. Returns the exit code.
     */
    public static int execute(String[] args, Invocation user) {
        return user.call(() -> {
            CommandLine cli = commandLine(args);
            cli.setOut(user.out());
            cli.setErr(user.err());
            // Help in colour on the user's terminal, decided here: picocli's own guess asks the JVM's console,
            // which in the daemon is not the user's (and costs tens of milliseconds to set up).
            boolean colour = user.isTerminal(1) && Terminal.colorAllowed(true, user.env());
            cli.setColorScheme(CommandLine.Help.defaultColorScheme(colour ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF));
            try {
                return cli.execute(args);
            } finally {
                user.out().flush();
                user.err().flush();
            }
        });
    }

    /** The whole command line, every command registered (for help and completion scripts). */
    public static CommandLine commandLine() {
        return commandLine(null);
    }

    /**
     * The command line for these arguments. Reading a command's annotations costs start-up time, so when
     * the arguments name a command only that one is registered; otherwise (help, a typo) all of them are.
     */
    public static CommandLine commandLine(String[] args) {
        BgrunCommand root = new BgrunCommand();
        CommandLine cli = new CommandLine(root);
        cli.setExpandAtFiles(false); // "--spec @job.json" is bgrun's, not picocli's argument file
        int at = args == null ? -1 : commandWordIndex(args);
        String named = at < 0 ? null : args[at].equals("ls") ? "list" : args[at];
        COMMANDS.forEach((name, factory) -> {
            if (at == VERSION_ONLY) {
                return;
            }
            if (named == null || !COMMANDS.containsKey(named) || named.equals("help") || named.equals(name)) {
                cli.addSubcommand(name, factory.get());
            }
        });
        // A path the user typed is relative to where the user typed it, which in the daemon is not the JVM's.
        cli.registerConverter(java.nio.file.Path.class, text -> Invocation.current().resolve(text));
        if (args != null) {
            // run's command is its own from its first word on: a --json there is the command's, not bgrun's.
            int end = "run".equals(named)
                    ? RunCommand.commandStart(cli.getSubcommands().get("run").getCommandSpec(), args, at + 1)
                    : args.length;
            for (int i = 0; i < end && !args[i].equals("--"); i++) { // after "--", a command's own words
                if (args[i].equals("--json") || args[i].equals("--no-json")) {
                    root.jsonFromArgs(args[i].equals("--json"));
                }
            }
        }
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> root.output().fail(asBgrun(e)));
        cli.setParameterExceptionHandler((e, arguments) -> {
            String hint = "see `" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help`";
            if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
                hint = "did you mean " + String.join(" or ", u.getSuggestions()) + "? " + hint;
            }
            return root.output().fail(new BgrunException(ErrorType.UsageError, e.getMessage(), hint));
        });
        return cli;
    }

    /** What {@link #commandWordIndex} says when the arguments ask only for the version: no command is needed. */
    private static final int VERSION_ONLY = -2;

    /** Where the first word that is not a global option is (the command's name, or a typo), or -1. */
    private static int commandWordIndex(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--version") || arg.equals("-V")) {
                return VERSION_ONLY; // the version needs no command
            }
            if (arg.equals("-f") || arg.equals("--file")) {
                i++;
            } else if (!arg.startsWith("-")) {
                return i;
            }
        }
        return -1;
    }

    private static BgrunException asBgrun(Exception e) {
        if (e instanceof BgrunException b) {
            return b;
        }
        return new BgrunException(ErrorType.Internal, "internal error: " + e,
                "this is a bug in bgrun; please report it with the command that caused it", java.util.Map.of(), e);
    }
}
