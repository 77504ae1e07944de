package dev.bgrun.cli.jobs;

import dev.bgrun.cli.Output;
import dev.bgrun.cli.ProjectArgs;
import dev.bgrun.orchestrator.daemon.DaemonCalls;
import dev.bgrun.orchestrator.state.StateRoot;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code bgrun daemon status|stop}: the daemon itself. Neither starts it. */
@Command(name = "daemon", description = "Show or stop the daemon (jobs keep running when it stops).",
        subcommands = {DaemonCommand.Status.class, DaemonCommand.Stop.class})
public final class DaemonCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Asks the daemon if one is running (never starting one); otherwise says it is not running. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> askIfRunning(String command) {
        StateRoot root = dev.bgrun.cli.Invocation.current().stateRoot();
        try (DaemonCalls client = dev.bgrun.cli.Invocation.current().daemonIfRunning(root)) {
            if (client != null) {
                return (Map<String, Object>) client.call(command, Map.of());
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("running", false);
        m.put("root", root.dir().toString());
        m.put("socket", root.socket().toString());
        return m;
    }

    @Command(name = "status", description = "Is the daemon running: pid, uptime, jobs, memory.")
    static final class Status implements Runnable {
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Override
        @SuppressWarnings("unchecked")
        public void run() {
            Output out = ProjectArgs.root(spec).output();
            Map<String, Object> status = askIfRunning("daemon.status");
            if (out.json()) {
                out.data(status);
            } else if (!Boolean.TRUE.equals(status.get("running"))) {
                out.line("daemon: " + out.dim("not running") + " (state root " + status.get("root") + ")");
            } else {
                out.line("daemon: " + out.green("running") + ", pid " + status.get("pid") + ", up "
                        + Views.duration(java.time.Duration.ofMillis(((Number) status.get("uptime_ms")).longValue()))
                        + ", " + status.get("live_jobs") + " live of " + status.get("jobs") + " jobs, "
                        + ((Number) status.get("rss_bytes")).longValue() / (1024 * 1024) + " MiB");
                out.line("  socket " + status.get("socket") + "\n  log    " + status.get("log"));
            }
        }
    }

    @Command(name = "stop", description = "Stop the daemon; jobs keep running and the next daemon re-adopts them.")
    static final class Stop implements Runnable {
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            Output out = ProjectArgs.root(spec).output();
            Map<String, Object> answer = askIfRunning("daemon.stop");
            if (out.json()) {
                out.data(answer);
            } else {
                out.line(Boolean.TRUE.equals(answer.get("stopping"))
                        ? "daemon " + answer.get("pid") + " stopping; " + answer.get("live_jobs") + " live jobs keep running"
                        : "daemon: not running");
            }
        }
    }
}
