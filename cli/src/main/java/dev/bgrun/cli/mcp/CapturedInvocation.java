package dev.bgrun.cli.mcp;

import dev.bgrun.cli.Invocation;
import dev.bgrun.orchestrator.daemon.DaemonCalls;
import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import dev.bgrun.orchestrator.state.StateRoot;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One tool call of {@code bgrun mcp}: a command run in this JVM whose stdout and stderr are kept for the answer
 * instead of printed (stdout is the MCP channel). Where it runs, its environment and its daemon are this
 * process's own; it has no terminal and no standard input, so nothing can prompt or wait on the user.
 */
final class CapturedInvocation extends Invocation {
    private final Invocation here;
    private final StringWriter outText = new StringWriter();
    private final StringWriter errText = new StringWriter();
    private final PrintWriter out = new PrintWriter(outText);
    private final PrintWriter err = new PrintWriter(errText);

    /** {@code here} is this JVM's own invocation (the server's working directory, environment and daemon). */
    CapturedInvocation(Invocation here) {
        this.here = here;
    }

    String stdout() {
        out.flush();
        return outText.toString();
    }

    String stderr() {
        err.flush();
        return errText.toString();
    }

    @Override
    public Path cwd() {
        return here.cwd();
    }

    @Override
    public Map<String, String> env() {
        return here.env();
    }

    @Override
    public boolean isTerminal(int fd) {
        return false;
    }

    @Override
    public PrintWriter out() {
        return out;
    }

    @Override
    public PrintWriter err() {
        return err;
    }

    @Override
    public InputStream stdin() {
        return InputStream.nullInputStream();
    }

    @Override
    public String prompt(String question) {
        return null;
    }

    @Override
    public int exec(List<String> command, Map<String, String> env) {
        throw new BgrunException(ErrorType.UsageError, "an MCP tool cannot run a program with the user's terminal",
                "run it as a job (the run tool) and read its output with tail or diff");
    }

    @Override
    public AutoCloseable onInterrupt(Runnable action) {
        return () -> {
        }; // no user to press Ctrl-C: the server's own shutdown ends everything
    }

    @Override
    public void exit(int code) {
        throw new IllegalStateException("exit(" + code + ") from an interrupt action: a tool call has none");
    }

    @Override
    public boolean open() {
        return true;
    }

    @Override
    public StateRoot stateRoot() {
        return here.stateRoot();
    }

    @Override
    public DaemonCalls daemon() {
        return here.daemon();
    }

    @Override
    public DaemonCalls daemonIfRunning(StateRoot root) {
        return here.daemonIfRunning(root);
    }
}
