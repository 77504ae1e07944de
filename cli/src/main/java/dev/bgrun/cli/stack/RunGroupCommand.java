package dev.bgrun.cli.stack;

import dev.bgrun.cli.Output;
import dev.bgrun.cli.ProjectArgs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code bgrun run-group}: bring jobs of the project up in dependency order and wait until they are ready. */
@Command(name = "run-group", description = "Start jobs of the project file (all when none are named) and what they "
        + "depend on, in dependency order, and wait until each is ready (a oneshot: completed).",
        footerHeading = "%nExamples:%n",
        footer = {"  bgrun run-group                     every job of bgrun.toml",
                "  bgrun run-group web --timeout 2m     web and its dependencies",
                "  bgrun run-group -w copy2             a second copy of the stack, its own ports",
                "  bgrun run-group --json --stream      NDJSON transition events, then the result",
                "%nJobs already running are reused. Exit codes: 0 all ready, 1 a job failed or was blocked, 124 --timeout."})
public final class RunGroupCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "JOB", description = "Jobs of the project file.")
    private List<String> names = new ArrayList<>();

    @Mixin
    private StackOptions options;

    @Option(names = "--detach", description = "Return once every job that can start now is spawned; the daemon starts waiting ones as their conditions hold.")
    private boolean detach;

    @Option(names = "--stream", description = "With --json: print each transition as an NDJSON event, then the result.")
    private boolean stream;

    @Override
    public Integer call() {
        Output out = ProjectArgs.root(spec).output();
        Group group = Group.select(spec, names, options);
        boolean events = out.json() ? stream : !detach;
        Map<String, Object> flags = Map.of("detach", detach, "events", events);
        Map<String, Object> result;
        if (out.json()) {
            result = group.run(options, flags, item -> {
                out.data(item);
                return true;
            });
            out.data(result);
            return GroupReport.exitCode(result);
        }
        try (GroupProgress progress = new GroupProgress(out, false, group.order, group.nameWidth())) {
            result = group.run(options, flags, item -> {
                if ("transition".equals(item.get("type"))) {
                    progress.transition(item);
                } else if ("fell_behind".equals(item.get("type"))) {
                    progress.print(GroupReport.fellBehind(out, item));
                }
                return true;
            });
        }
        int code = GroupReport.exitCode(result);
        GroupReport.print(out, result, code == 0 ? out::line : out::note);
        return code;
    }
}
