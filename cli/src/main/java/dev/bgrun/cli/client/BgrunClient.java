package dev.bgrun.cli.client;

import dev.bgrun.orchestrator.daemon.BuildStamp;
import dev.bgrun.orchestrator.daemon.DaemonLauncher;
import dev.bgrun.orchestrator.daemon.DaemonSocket;
import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.state.StateRoot;

import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The {@code bgrun} a shell starts: a terminal for commands that run in the daemon. It connects (starting the
 * daemon when a command needs one), sends its arguments, working directory, environment and which of its
 * streams are terminals, and then does what the daemon asks ({@link Session}) until the exit code comes. It
 * loads no parser, no JSON library and no command class, so a call costs about one JVM start. With no daemon
 * running, the commands that need none run here in this JVM, with the same code ({@code dev.bgrun.cli.Main}).
 */
public final class BgrunClient {
    /** Commands that work without a daemon: with none running, they run in this JVM rather than start one. */
    static final Set<String> WITHOUT_DAEMON = Set.of("config", "schema", "capabilities", "examples", "skill",
            "completions", "doctor", "help", "daemon", "mcp");
    /**
     * Commands that need the daemon. A word in neither set (a typo) runs here too, for the parser's usage error
     * with its suggestion: a typo never starts a daemon. {@code BgrunClientTest} checks that every command is
     * in exactly one set.
     */
    static final Set<String> NEED_DAEMON = Set.of("run", "list", "ls", "status", "tail", "diff", "screen", "send",
            "wait", "stop", "kill", "restart", "clean", "run-group", "up", "down", "exec", "events", "expect", "stats");
    /**
     * Always run here: config reads the user's project file, and a huge one must not grow the daemon's heap;
     * mcp is a long-lived server on this process's own stdin and stdout (its tools call the daemon).
     */
    private static final Set<String> HERE = Set.of("config", "mcp");
    private static final Duration OLD_DAEMON_EXIT = Duration.ofSeconds(30);

    private BgrunClient() {
    }

    public static void main(String[] args) {
        int code = execute(args);
        if (ranHere) {
            System.exit(code); // a command run in this JVM may have shutdown hooks to run
        }
        // A command run in the daemon leaves nothing to do here. System.exit would also set up the JDK's logging
        // to ask whether to log the exit: several milliseconds of a call that is a few dozen in all.
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(code);
    }

    /** Runs one command as {@code bgrun ARGS} does and returns its exit code. */
    public static int execute(String[] args) {
        if (jdkSignals == null) {
            jdkSignals = Session.catchSignals(); // first of all, once a JVM (the AOT training runs many calls)
        }
        try {
            return run(args, System.getenv());
        } catch (BgrunException e) {
            return ClientErrors.print(e, args);
        }
    }

    /** Whether {@link dev.bgrun.cli.Main} has run (or started to run) a command in this JVM. */
    private static volatile boolean ranHere;

    /** Puts back the JDK's handlers of Ctrl-C and SIGTERM, caught by {@link #execute}; null before. */
    private static Runnable jdkSignals;

    private static int runHere(String[] args) {
        if (jdkSignals != null) {
            jdkSignals.run(); // a command run here ends on Ctrl-C as any Java program does (its shutdown hooks run)
        }
        ranHere = true;
        return dev.bgrun.cli.Main.runHere(args);
    }

    private static int run(String[] args, Map<String, String> env) {
        String word = commandWord(args);
        if (word != null && HERE.contains(word)) { // Set.of rejects null: no command word (--version, the usage)
            return runHere(args); // the user's file, or mcp's own stdio: on the user's side, daemon or not
        }
        StateRoot root = StateRoot.fromEnvironment(env);
        Connection connection = tryConnect(root);
        if (connection == null) {
            if (runsWithoutDaemon(args)) {
                return runHere(args);
            }
            connection = Connection.of(DaemonSocket.connect(root, DaemonLauncher.ofCurrentProcess()));
        }
        String build = BuildStamp.of(BgrunClient.class);
        Session.Outcome outcome = new Session(connection, build, args, env).run();
        if (outcome.replacedPid() < 0) {
            return outcome.exitCode();
        }
        // The daemon was another build and is stopping: wait for it to go, then start this build's.
        ProcessHandle.of(outcome.replacedPid()).ifPresent(old -> {
            try {
                old.onExit().get(OLD_DAEMON_EXIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                // gone or stuck: starting the new one tells (it waits for the run lock)
            }
        });
        Session.Outcome again = new Session(Connection.of(DaemonSocket.connect(root, DaemonLauncher.ofCurrentProcess())), build, args, env).run();
        if (again.replacedPid() >= 0) {
            throw new BgrunException(dev.bgrun.orchestrator.error.ErrorType.DaemonUnavailable,
                    "the daemon is of another build even after replacing it", "see the daemon log: " + root.daemonLog());
        }
        return again.exitCode();
    }

    /** A connection to a running daemon, or null when none answers. */
    private static Connection tryConnect(StateRoot root) {
        if (NativeSocket.available()) {
            try {
                return NativeSocket.tryConnect(root.socket());
            } catch (java.io.IOException e) {
                // the JDK's channel tries too, and tells the same way
            }
        }
        SocketChannel channel = DaemonSocket.tryConnect(root);
        return channel == null ? null : Connection.of(channel);
    }

    /** Whether the arguments name a command that needs no daemon (or only ask for help or the version). */
    static boolean runsWithoutDaemon(String[] args) {
        for (String arg : args) {
            if (arg.equals("--")) {
                break;
            }
            if (arg.equals("--help") || arg.equals("-h") || arg.equals("--version") || arg.equals("-V")) {
                return true; // help and the version are the same here, and the parser decides what they mean
            }
        }
        String command = commandWord(args);
        return command == null || !NEED_DAEMON.contains(command); // no command: the usage
    }

    /** The first word that is not an option (skipping -f's file), or null. */
    static String commandWord(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                return null;
            }
            if (arg.equals("-f") || arg.equals("--file")) {
                i++;
            } else if (!arg.startsWith("-")) {
                return arg;
            }
        }
        return null;
    }
}
