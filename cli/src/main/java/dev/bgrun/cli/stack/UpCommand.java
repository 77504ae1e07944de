package dev.bgrun.cli.stack;

import dev.bgrun.cli.Output;
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
                "%nJobs that were already running are reused and left running. Exit codes: 0 stopped by Ctrl-C/SIGTERM",
                "or every job ended well, 1 the stack could not come up or a job failed, 124 --timeout."})
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
        Thread hook = new Thread(() -> {
            if (done.compareAndSet(false, true)) {
                // Ctrl-C or SIGTERM: stop what this run started, then leave with 0 (the user asked for it).
                out.note(out.dim("stopping " + String.join(", ", started.reversed().stream()
                        .map(id -> names.getOrDefault(id, id)).toList()) + "...")); // dependents first
                try {
                    group.stop(List.copyOf(started));
                    out.note("stopped");
                } catch (RuntimeException e) {
                    out.note("could not stop every job: " + e.getMessage());
                }
                Runtime.getRuntime().halt(ExitCodes.OK);
            }
        }, "bgrun-up-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        int[] code = {ExitCodes.OK};
        Map<String, Object> end;
        try (GroupProgress progress = new GroupProgress(out, false, group.order, group.nameWidth())) {
            end = group.run(options, Map.of("events", true, "logs", true, "follow", true), item -> {
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
            return code[0]; // the hook is stopping the jobs and will end the process
        }
        Runtime.getRuntime().removeShutdownHook(hook);
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

    private static String pad(String name, int width) {
        return name + " ".repeat(Math.max(0, width - name.length()));
    }
}
