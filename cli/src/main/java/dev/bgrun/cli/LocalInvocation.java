package dev.bgrun.cli;

import dev.bgrun.orchestrator.daemon.DaemonCalls;
import dev.bgrun.orchestrator.daemon.DaemonClient;
import dev.bgrun.orchestrator.daemon.DaemonLauncher;
import dev.bgrun.orchestrator.state.StateRoot;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A command run in the user's own JVM (no daemon needed, or a test in-process): the process's own working
 * directory, environment, streams and signals.
 */
final class LocalInvocation extends Invocation {
    static final LocalInvocation INSTANCE = new LocalInvocation();

    private final PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    private final PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);

    private LocalInvocation() {
    }

    @Override
    public Path cwd() {
        return Path.of("").toAbsolutePath();
    }

    @Override
    public Map<String, String> env() {
        return System.getenv();
    }

    @Override
    public boolean isTerminal(int fd) {
        return Terminal.isTerminal(fd);
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
        return System.in;
    }

    @Override
    public String prompt(String question) {
        if (!isTerminal(0) || !isTerminal(1)) {
            return null;
        }
        out.print(question);
        out.flush();
        try {
            return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public int exec(List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().clear();
        builder.environment().putAll(env);
        try {
            return builder.start().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    @Override
    public AutoCloseable onInterrupt(Runnable action) {
        Thread hook = new Thread(action, "bgrun-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        return () -> {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down: the hook is running or has run
            }
        };
    }

    @Override
    public void exit(int code) {
        out.flush();
        err.flush();
        Runtime.getRuntime().halt(code); // from a shutdown hook: exit() would wait for the hooks, this one included
    }

    @Override
    public boolean open() {
        return true;
    }

    @Override
    public StateRoot stateRoot() {
        return StateRoot.fromEnvironment(env());
    }

    @Override
    public DaemonCalls daemonIfRunning(StateRoot root) {
        return DaemonClient.tryConnect(root);
    }

    @Override
    public DaemonCalls daemon() {
        return DaemonClient.connect(stateRoot(), DaemonLauncher.ofCurrentProcess());
    }
}
