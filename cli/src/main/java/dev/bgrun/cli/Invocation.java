package dev.bgrun.cli;

import dev.bgrun.orchestrator.daemon.DaemonCalls;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The user's side of one command: where it was typed (working directory, environment, which streams are
 * terminals), its output, its standard input, and what only the user's process can do (ask a question on the
 * terminal, run a program with the terminal, hear Ctrl-C). A command run by the thin client runs in the daemon
 * and reaches all of these over the client's connection; a command run in the client's own JVM reaches them
 * directly. Commands ask {@link #current()} and never {@code System.getenv}, {@code System.in} or the JVM's
 * working directory, which in the daemon are the daemon's.
 */
public abstract class Invocation {
    private static final ScopedValue<Invocation> CURRENT = ScopedValue.newInstance();

    /** The invocation this thread runs for: the one bound by {@link #call}, else this JVM's own. */
    public static Invocation current() {
        return CURRENT.isBound() ? CURRENT.get() : LocalInvocation.INSTANCE;
    }

    /** Runs {@code body} on this thread as part of this invocation. */
    public final <T> T call(ScopedValue.CallableOp<T, RuntimeException> body) {
        return ScopedValue.where(CURRENT, this)
                .where(dev.bgrun.orchestrator.project.ProjectFiles.WORKING_DIRECTORY, cwd())
                .call(body);
    }

    /** The directory the command was typed in (absolute). */
    public abstract Path cwd();

    /** The environment the command was typed in. */
    public abstract Map<String, String> env();

    /** One variable of {@link #env()}, or null. */
    public final String env(String name) {
        return env().get(name);
    }

    /** A path as the user wrote it, made absolute against {@link #cwd()}. */
    public final Path resolve(String path) {
        return cwd().resolve(path).normalize();
    }

    /** A path as the user wrote it (picocli's conversion), made absolute against {@link #cwd()}. */
    public final Path resolve(Path path) {
        return path == null ? null : cwd().resolve(path).normalize();
    }

    /** Whether the user's file descriptor 0, 1 or 2 is a terminal. */
    public abstract boolean isTerminal(int fd);

    /** The command's standard output and error. */
    public abstract PrintWriter out();

    public abstract PrintWriter err();

    /** The user's standard input. */
    public abstract InputStream stdin();

    /**
     * Asks a question on the user's terminal and returns the answer line, or null when there is no terminal
     * to ask on (standard input or output redirected) or it reached end of file.
     */
    public abstract String prompt(String question);

    /** Runs a program as the user's child, with the user's terminal, and returns its exit code. */
    public abstract int exec(List<String> command, Map<String, String> env) throws IOException;

    /**
     * Runs {@code action} when the user interrupts the command (Ctrl-C, SIGTERM), once; closing the returned
     * handle takes it back. The action ends the invocation with {@link #exit}.
     */
    public abstract AutoCloseable onInterrupt(Runnable action);

    /** Ends the invocation at once with this exit code (from an interrupt action: the command is still running). */
    public abstract void exit(int code);

    /** Whether the user is still there (the client has not gone); a long command stops when not. */
    public abstract boolean open();

    /** The state root this invocation works in: the one its environment names, or the daemon's own. */
    public abstract dev.bgrun.orchestrator.state.StateRoot stateRoot();

    /** A connection to the daemon for this invocation's calls, starting the daemon if none runs. */
    public abstract DaemonCalls daemon();

    /** A connection to the daemon of {@code root} if one runs, else null (never starts one). */
    public abstract DaemonCalls daemonIfRunning(dev.bgrun.orchestrator.state.StateRoot root);

    /** For tests and the in-process commands: what a local run of {@code args} prints. */
    static Invocation local() {
        return LocalInvocation.INSTANCE;
    }
}
