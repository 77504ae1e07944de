package dev.bgrun.cli.stack;

import dev.bgrun.cli.Invocation;
import dev.bgrun.cli.Output;
import dev.bgrun.cli.jobs.Views;
import dev.bgrun.cli.ProjectArgs;
import dev.bgrun.orchestrator.error.ExitCodes;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code bgrun up}: the foreground mode. Brings the jobs up like run-group, prints every job's output prefixed
 * with its name, and on Ctrl-C or SIGTERM stops what it started, dependents first.
 */
@Command(name = "up", description = "Bring the project's jobs (or the named ones) up in the foreground, print their "
        + "output prefixed by name, and stop them on Ctrl-C, dependents first.",
        footerHeading = "%nExamples:%n",
        footer = {"  bgrun up", "  bgrun up web", "  bgrun up --json          NDJSON: transitions, output lines, the result",
                "%nJobs that were already running are reused and left running. Exit codes: 0 stopped by Ctrl-C/SIGTERM once",
                "up, or every job ended well; 130 interrupted while coming up; 1 the stack could not come up or a job failed, 124 --timeout."})
public final class UpCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "JOB", description = "Jobs of the project file.")
    private List<String> names = new ArrayList<>();

    @Mixin
    private StackOptions options;

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() {
        Output out = ProjectArgs.root(spec).output();
        Group group = Group.select(spec, names, options);
        List<String> started = new java.util.concurrent.CopyOnWriteArrayList<>();
        Map<String, String> names = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicBoolean done = new AtomicBoolean();
        Map<String, Integer> colours = new HashMap<>();
        group.order.forEach(n -> colours.put(n, colours.size()));
        Invocation user = Invocation.current();
        int[] code = {ExitCodes.OK};
        Map<String, Object> end;
        GroupProgress progress = new GroupProgress(out, false, group.order, group.nameWidth());
        AtomicBoolean cameUp = new AtomicBoolean();
        // Ctrl-C or SIGTERM: stop what this run started, dependents first, with a line for each job stopped. Once
        // the stack is up that is how up ends (0); before, the run was interrupted (130).
        AutoCloseable interrupt = user.onInterrupt(() -> {
            if (done.compareAndSet(false, true)) {
                progress.close(); // the live status line goes before anything is printed
                boolean interrupted = !cameUp.get();
                List<String> mine = List.copyOf(started);
                if (!out.json() && !mine.isEmpty()) {
                    out.note((interrupted ? "interrupted: " : "") + "stopping " + String.join(", ", mine.reversed().stream()
                            .map(id -> names.getOrDefault(id, id)).toList()) + "...");
                }
                List<String> stopped = List.of();
                String failure = null;
                try {
                    stopped = group.stop(mine);
                } catch (RuntimeException e) {
                    failure = e.getMessage();
                }
                if (out.json()) {
                    out.data(dev.bgrun.orchestrator.json.Json.object("type", "interrupted", "came_up", !interrupted,
                            "stopped", stopped, "error", failure));
                } else {
                    for (String id : stopped) {
                        out.note("  " + pad(names.getOrDefault(id, id), group.nameWidth()) + "  " + Views.state(out, "stopped"));
                    }
                    out.note(failure != null ? "could not stop every job: " + failure
                            : interrupted ? "interrupted; stopped " + stopped.size() + (stopped.size() == 1 ? " job" : " jobs")
                            : "stopped");
                }
                user.exit(interrupted ? ExitCodes.INTERRUPTED : ExitCodes.OK);
            }
        });
        try (progress) {
            end = group.run(options, Map.of("events", true, "logs", true, "follow", true), item -> {
                if (done.get()) {
                    return false; // interrupted: the interrupt reports what it stops
                }
                if (out.json()) {
                    out.data(item);
                }
                switch (String.valueOf(item.get("type"))) {
                    case "submitted" -> {
                        started.addAll(Group.started(item));
                        for (Map<String, Object> job : (List<Map<String, Object>>) item.get("jobs")) {
                            names.put((String) job.get("id"), (String) job.get("name"));
                        }
                    }
                    case "result" -> {
                        code[0] = GroupReport.exitCode(item);
                        if (!out.json()) {
                            GroupReport.print(out, item, code[0] == 0 ? progress::print : out::note);
                        }
                        if (code[0] != 0) {
                            return false; // the stack could not come up: take it down below
                        }
                        cameUp.set(true);
                        if (!out.json()) {
                            progress.print(out.dim("(Ctrl-C stops the jobs this run started)"));
                        }
                    }
                    case "transition" -> {
                        if (!out.json()) {
                            progress.transition(item);
                        }
                    }
                    case "fell_behind" -> {
                        if (!out.json()) {
                            progress.print(GroupReport.fellBehind(out, item));
                        }
                    }
                    case "line" -> {
                        if (!out.json()) {
                            String name = (String) item.get("job");
                            String prefix = out.palette(colours.getOrDefault(name, 0), pad(name, group.nameWidth()) + " |");
                            String text = (String) item.get("content");
                            progress.print(prefix + " " + ("stderr".equals(item.get("stream")) ? out.red(text) : text));
                        }
                    }
                    default -> { }
                }
                return true;
            });
        }
        if (!done.compareAndSet(false, true)) {
            return code[0]; // the interrupt is stopping the jobs and ends the invocation
        }
        close(interrupt);
        if (end == null) {
            group.stop(started);
            return code[0];
        }
        if (out.json()) {
            out.data(end);
        }
        boolean allWell = ((List<Map<String, Object>>) end.get("jobs")).stream().allMatch(j -> "exited".equals(j.get("state")));
        return allWell ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    static void close(AutoCloseable interrupt) {
        try {
            interrupt.close();
        } catch (Exception e) {
            // taking back a handler cannot fail in a way that matters here
        }
    }

    private static String pad(String name, int width) {
        return name + " ".repeat(Math.max(0, width - name.length()));
    }
}
