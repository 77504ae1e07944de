package dev.bgrun.cli.stack;

import dev.bgrun.cli.Invocation;
import dev.bgrun.cli.Output;
import dev.bgrun.orchestrator.error.ExitCodes;
import dev.bgrun.cli.ProjectArgs;
import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import dev.bgrun.orchestrator.error.ExitCodes;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code bgrun exec JOBS... -- CMD}: the CI one-liner. Brings the jobs up, runs CMD with their ports in its
 * environment, stops what it started, and exits with CMD's code (1 and nothing run when the stack fails).
 */
@Command(name = "exec", description = "Bring jobs up, wait until they are ready, run a command with their ports in "
        + "its environment, stop what was started, and exit with the command's code.",
        footerHeading = "%nExamples:%n",
        footer = {"  bgrun exec db web -- ./gradlew integrationTest",
                "  bgrun exec web -- sh -c 'curl -f http://127.0.0.1:$WEB_PORT/health'",
                "%nThe command gets, for each allocated port, NAME_VAR (the job's name upper-cased: DB_DB_PORT,",
                "WEB_PORT...) and VAR itself when only one job allocates it; and BGRUN_WORKSPACE.",
                "Exit codes: the command's; 1 when the stack could not come up (the command does not run); 124 on --timeout."})
public final class ExecCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "JOB -- CMD", description = "Jobs of the project file, then -- and the command.")
    private List<String> words = new ArrayList<>();

    @Mixin
    private StackOptions options;

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() {
        List<String> original = spec.commandLine().getParseResult().originalArgs();
        int dashes = original.indexOf("--");
        int cmdWords = dashes < 0 ? 0 : original.size() - dashes - 1;
        if (cmdWords == 0) {
            throw new BgrunException(ErrorType.UsageError, "exec needs a command after --",
                    "bgrun exec db web -- ./run-tests.sh");
        }
        List<String> names = words.subList(0, words.size() - cmdWords);
        List<String> command = words.subList(words.size() - cmdWords, words.size());
        if (names.isEmpty()) {
            throw new BgrunException(ErrorType.UsageError, "exec needs the jobs to bring up before --",
                    "bgrun exec db web -- ./run-tests.sh");
        }
        Output out = ProjectArgs.root(spec).output();
        Group group = Group.select(spec, names, options);
        List<String> started = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicBoolean done = new AtomicBoolean();
        Invocation user = Invocation.current();
        AutoCloseable interrupt = user.onInterrupt(() -> {
            if (done.compareAndSet(false, true)) {
                group.stop(List.copyOf(started)); // interrupted: leave nothing behind
                user.exit(ExitCodes.INTERRUPTED);
            }
        });
        Map<String, Object> result;
        try (GroupProgress progress = out.json() ? null : new GroupProgress(out, true, group.order, group.nameWidth())) {
            result = group.run(options, Map.of("events", true), item -> {
                if ("submitted".equals(item.get("type"))) {
                    started.addAll(Group.started(item)); // known before anything is ready: an interrupt stops them
                } else if (progress != null) {
                    progress.transition(item);
                }
                return true;
            });
        }
        int code = GroupReport.exitCode(result);
        try {
            if (code != 0) {
                if (out.json()) {
                    throw new BgrunException(code == 124 ? ErrorType.Timeout
                            : code == ExitCodes.NOT_EXECUTABLE ? ErrorType.ExecFailed : ErrorType.JobFailed,
                            "the jobs did not come up; the command was not run", null, result, null);
                }
                GroupReport.print(out, result, out::note);
                out.note(out.dim("the command was not run"));
                return code;
            }
            if (!out.json()) {
                GroupReport.print(out, result, out::note);
            }
            return runCommand(user, out, command, environment((List<Map<String, Object>>) result.get("jobs")));
        } finally {
            if (done.compareAndSet(false, true)) {
                group.stop(started);
                UpCommand.close(interrupt);
            }
        }
    }

    /** The caller's environment plus each job's allocated ports (JOB_VAR, and VAR when only one job has it). */
    @SuppressWarnings("unchecked")
    static Map<String, String> environment(List<Map<String, Object>> jobs) {
        Map<String, String> env = new HashMap<>(dev.bgrun.cli.Invocation.current().env());
        Map<String, Integer> owners = new HashMap<>();
        for (Map<String, Object> job : jobs) {
            Map<String, Object> ports = (Map<String, Object>) job.get("ports");
            ports.forEach((var, port) -> owners.merge(var, 1, Integer::sum));
        }
        for (Map<String, Object> job : jobs) {
            String prefix = ((String) job.get("name")).toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_") + "_";
            Map<String, Object> ports = (Map<String, Object>) job.get("ports");
            ports.forEach((var, port) -> {
                env.put(prefix + var, String.valueOf(port));
                if (owners.get(var) == 1) {
                    env.put(var, String.valueOf(port));
                }
            });
            env.put("BGRUN_WORKSPACE", (String) job.get("workspace"));
        }
        return env;
    }

    private static int runCommand(Invocation user, Output out, List<String> command, Map<String, String> env) {
        try {
            return user.exec(command, env);
        } catch (IOException e) {
            out.note("cannot run " + command.getFirst() + ": " + e.getMessage());
            return 127; // as a shell says "command not found"
        }
    }
}
