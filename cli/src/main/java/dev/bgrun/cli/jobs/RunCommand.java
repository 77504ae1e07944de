package dev.bgrun.cli.jobs;

import dev.bgrun.cli.BgrunCommand;
import dev.bgrun.cli.DaemonAccess;
import dev.bgrun.cli.Invocation;
import dev.bgrun.cli.Output;
import dev.bgrun.cli.ProjectArgs;
import dev.bgrun.orchestrator.config.JobKeys;
import dev.bgrun.orchestrator.config.JobNames;
import dev.bgrun.orchestrator.config.Position;
import dev.bgrun.orchestrator.config.Problems;
import dev.bgrun.orchestrator.config.RawTable;
import dev.bgrun.orchestrator.config.RawValue;
import dev.bgrun.orchestrator.config.SpecKey;
import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import dev.bgrun.orchestrator.json.Json;
import dev.bgrun.orchestrator.json.JsonException;
import dev.bgrun.orchestrator.project.Project;
import dev.bgrun.orchestrator.project.ProjectFiles;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bgrun run}: start one job. Its flags are made from the job-spec model ({@link JobKeys}): one flag per
 * key, so a key added to the model is a flag at once, checked by the same reader as TOML and JSON.
 */
public final class RunCommand implements Runnable {
    private CommandSpec spec;

    private RunCommand() {
    }

    /** The command, its options built from the key registry. */
    public static CommandLine create() {
        RunCommand command = new RunCommand();
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command);
        command.spec = spec;
        spec.name("run");
        spec.usageMessage()
                .description("Start a job: a command, a job of the project file by name, or a JSON spec.",
                        "One argument runs through /bin/sh -c; several are executed directly.")
                .footerHeading("%nExamples:%n")
                .footer("  bgrun run --name server --ready-when 'listening on' -- npm run dev",
                        "  bgrun run db                       the [jobs.db] of bgrun.toml",
                        "  bgrun run --spec '{\"cmd\":\"sleep 60\",\"restart\":\"always\"}' --name nap",
                        "  bgrun run --spec @job.json         or --spec - to read standard input",
                        "",
                        "An alive job of the same --name (in the same workspace) is returned, not started again;",
                        "--replace restarts it with the new spec.");
        spec.parser().stopAtPositional(true);
        spec.addOption(OptionSpec.builder("--name", "-n").paramLabel("NAME").type(String.class)
                .description("Name the job; a run with the name of an alive job returns that job.").build());
        spec.addOption(OptionSpec.builder("--replace").arity("0").type(boolean.class)
                .description("Restart an alive job of the same name with this spec.").build());
        spec.addOption(OptionSpec.builder("--spec").paramLabel("JSON|@FILE|-").type(String.class)
                .description("The whole spec as JSON (the keys of a [jobs.NAME] table, plus an optional \"name\").").build());
        spec.addOption(OptionSpec.builder("--cwd").paramLabel("DIR").type(String.class)
                .description("Working directory for an ad-hoc command (default: the current directory).").build());
        for (SpecKey<?> key : JobKeys.all()) {
            if (key == JobKeys.CMD || key == JobKeys.CWD) {
                continue;
            }
            List<String> names = new ArrayList<>(List.of("--" + key.name()));
            key.flagAliases().forEach(a -> names.add("--" + a));
            OptionSpec.Builder option = OptionSpec.builder(names.toArray(String[]::new))
                    .description(key.summary())
                    .paramLabel(key.type().describe().toUpperCase().replace(' ', '_'));
            if (key.type().isSwitch()) {
                option.arity("0").type(boolean.class);
            } else if (key.type().repeatable()) {
                option.arity("1").type(List.class).auxiliaryTypes(String.class);
            } else {
                option.arity("1").type(String.class);
            }
            spec.addOption(option.build());
        }
        spec.addPositional(PositionalParamSpec.builder().index("0..*").arity("0..*").paramLabel("CMD")
                .type(List.class).auxiliaryTypes(String.class)
                .description("The command and its arguments, or the name of a job of the project file.").build());
        return new CommandLine(spec);
    }

    @Override
    public void run() {
        List<String> argv = spec.positionalParameters().getFirst().getValue();
        argv = argv == null ? List.of() : argv;
        String name = spec.findOption("--name").getValue();
        Map<String, Object> keys = new LinkedHashMap<>();
        String workspace = null;
        String cwd = null;
        String projectFile = null;

        String specText = spec.findOption("--spec").getValue();
        if (specText != null) {
            Map<String, Object> json = readSpec(specText);
            Object specName = json.remove("name");
            if (specName != null && !(specName instanceof String)) {
                throw new BgrunException(ErrorType.UsageError, "--spec: \"name\" must be a string, got " + Json.write(specName));
            }
            if (name == null && specName != null) {
                name = (String) specName;
            }
            keys.putAll(json);
        }
        // After "--" the words are a command, even one that shares a job's name.
        boolean explicitCommand = spec.commandLine().getParseResult().originalArgs().contains("--");
        Project project = !argv.isEmpty() && specText == null && !explicitCommand && !argv.getFirst().contains(" ")
                ? projectOrNull(argv.size() == 1) : null;
        if (project != null && argv.size() > 1 && project.jobs().containsKey(argv.getFirst())) {
            // A project job takes no arguments, so the words after its name are bgrun's options.
            RunCommand inner = asProjectJob(project, argv);
            if (inner != null) {
                inner.run();
            }
            return;
        }
        if (project != null && argv.size() == 1 && project.jobs().containsKey(argv.getFirst())) {
            Map<String, Object> request = ProjectJobs.request(project, argv.getFirst(), null);
            @SuppressWarnings("unchecked")
            Map<String, Object> projectKeys = (Map<String, Object>) request.get("spec");
            keys.putAll(projectKeys);
            name = name != null ? name : argv.getFirst();
            workspace = (String) request.get("workspace");
            cwd = (String) request.get("cwd");
            projectFile = (String) request.get("project");
        } else if (!argv.isEmpty()) {
            keys.put(JobKeys.CMD.name(), argv.size() == 1 ? argv.getFirst() : argv);
        }
        Map<String, Object> flags = flagValues();
        keys.putAll(flags);
        Output out = ProjectArgs.root(spec).output(); // not earlier: asProjectJob may still settle --json
        if (flags.containsKey(JobKeys.WORKSPACE.name())) {
            workspace = (String) flags.get(JobKeys.WORKSPACE.name()); // a flag wins over the project's
        }
        // Paths in the spec are made absolute here, where "relative to" is known: the project file's
        // directory for a project job, the current directory otherwise.
        Path base = projectFile != null ? Path.of(projectFile).getParent() : Invocation.current().cwd();
        String cwdFlag = spec.findOption("--cwd").getValue();
        if (cwdFlag != null) {
            cwd = Invocation.current().resolve(cwdFlag).toString(); // the flag wins
        } else if (keys.get(JobKeys.CWD.name()) instanceof String specCwd && cwd == null) {
            cwd = base.resolve(specCwd).normalize().toString();
        }
        ProjectJobs.absoluteEnvFiles(keys, base);
        if (!keys.containsKey(JobKeys.CMD.name())) {
            throw new BgrunException(ErrorType.UsageError, "nothing to run: give a command, a job name of the project "
                    + "file, or --spec", "see `bgrun run --help`");
        }
        if (workspace == null) {
            Object ws = keys.get(JobKeys.WORKSPACE.name());
            workspace = ws instanceof String s ? s : currentWorkspaceOrDefault();
        }
        if (cwd == null) {
            cwd = Invocation.current().cwd().toString();
        }
        if (name != null) {
            JobNames.requireJob(name); // before a daemon is started for it; the daemon checks too
        }
        JobNames.requireWorkspace(workspace);
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("name", name);
        args.put("workspace", workspace);
        args.put("spec", keys);
        args.put("project", projectFile);
        args.put("cwd", cwd);
        args.put("env", Invocation.current().env());
        args.put("replace", spec.findOption("--replace").getValue());
        @SuppressWarnings("unchecked")
        Map<String, Object> job = (Map<String, Object>) DaemonAccess.call(spec, "run", args);
        if (StartFailure.notExecutable(job)) {
            throw new BgrunException(ErrorType.ExecFailed, "job " + job.get("name") + " " + job.get("reason"),
                    "check the program's name, the job's PATH and working directory, and that the file is executable",
                    job, null);
        }
        if ("failed".equals(job.get("state")) && String.valueOf(job.get("reason")).startsWith("could not start")) {
            throw new BgrunException(ErrorType.JobFailed, "job " + job.get("name") + " " + job.get("reason"),
                    "check the command and its working directory", job, null);
        }
        if (out.json()) {
            out.data(job);
        } else {
            boolean reused = Boolean.TRUE.equals(job.get("reused"));
            String title = out.bold(job.get("workspace") + "/" + job.get("name"));
            if ("waiting".equals(job.get("state"))) {
                out.line((reused ? "already waiting: " : "waiting: ") + title + " (id " + job.get("id") + ") "
                        + out.dim(String.valueOf(job.get("reason"))));
            } else {
                out.line((reused ? "already running: " : "started: ") + title + " (id " + job.get("id") + ", pid "
                        + job.get("pid") + ") " + Views.state(out, (String) job.get("state")));
            }
        }
    }

    /**
     * Where a run command's own words begin in {@code args} (searched from {@code from}, just after "run"): at
     * the first word that is neither an option of run (or bgrun's) nor an option's value, or at "--".
     */
    public static int commandStart(CommandSpec run, String[] args, int from) {
        for (int i = from; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--") || !arg.startsWith("-") || arg.equals("-")) {
                return i;
            }
            OptionSpec option = arg.contains("=") ? null : run.findOption(arg);
            if (option != null) {
                i += option.arity().min(); // its value, even one that starts with "-"
            }
            // An unknown option (or --no-json, --name=x) is one word; picocli reports the unknown ones.
        }
        return args.length;
    }

    /**
     * {@code bgrun run JOB WORDS...} for a job of the project: parsed again with the job's name moved to the
     * end, so the words after it are read as the options they are (one parser for both places). Returns the
     * command to run, or null when the words asked for help or the version, which is then printed.
     */
    private RunCommand asProjectJob(Project project, List<String> argv) {
        String job = argv.getFirst();
        List<String> words = argv.subList(1, argv.size());
        List<String> original = spec.commandLine().getParseResult().originalArgs();
        List<String> again = new ArrayList<>(original.subList(0, original.size() - argv.size()));
        again.addAll(words);
        again.add(job);
        String[] args = again.toArray(String[]::new);
        CommandLine cli = dev.bgrun.cli.Cli.commandLine(args);
        cli.setOut(spec.commandLine().getOut());
        cli.setErr(spec.commandLine().getErr());
        BgrunCommand root = (BgrunCommand) cli.getCommandSpec().userObject();
        CommandLine.ParseResult parsed;
        try {
            parsed = cli.parseArgs(args);
        } catch (CommandLine.UnmatchedArgumentException e) {
            ProjectArgs.root(spec).adopt(root); // so the error comes out in the format asked for
            throw takesNoArguments(project, job, String.join(" ", e.getUnmatched()) + " (not an option of bgrun run)");
        } catch (CommandLine.ParameterException e) {
            ProjectArgs.root(spec).adopt(root);
            throw new BgrunException(ErrorType.UsageError, e.getMessage(), "see `bgrun run --help`");
        }
        ProjectArgs.root(spec).adopt(root);
        if (CommandLine.printHelpIfRequested(parsed)) {
            return null; // "bgrun run web --help" asks for run's help, not for web
        }
        RunCommand inner = (RunCommand) parsed.subcommand().commandSpec().userObject();
        List<String> innerArgv = inner.spec.positionalParameters().getFirst().getValue();
        if (innerArgv == null) { // the last option took the job's name as its value
            throw new BgrunException(ErrorType.UsageError, "option " + words.getLast() + " (after the job's name \""
                    + job + "\") needs a value", "see `bgrun run --help`");
        }
        if (innerArgv.size() != 1) {
            throw takesNoArguments(project, job, String.join(" ", innerArgv.subList(0, innerArgv.size() - 1)));
        }
        return inner;
    }

    private static BgrunException takesNoArguments(Project project, String job, String got) {
        return new BgrunException(ErrorType.UsageError, "\"" + job + "\" is a job of " + project.source()
                + " and takes no arguments; got " + got,
                "after a job's name come only bgrun's options; to run a command of that name, use -- " + job);
    }

    /** The spec keys given as flags, as raw values for the spec reader (rendered back to JSON data). */
    private Map<String, Object> flagValues() {
        Map<String, Object> values = new LinkedHashMap<>();
        for (SpecKey<?> key : JobKeys.all()) {
            OptionSpec option = spec.findOption("--" + key.name());
            if (option == null || !spec.commandLine().getParseResult().hasMatchedOption(option)) {
                continue;
            }
            Object value = option.getValue();
            List<String> texts = value instanceof List<?> list ? list.stream().map(String::valueOf).toList()
                    : List.of(String.valueOf(value));
            Object raw = key.type().fromFlags(texts);
            values.put(key.name(), plain(raw));
        }
        return values;
    }

    /** Raw tables (from repeated --env or --after flags) as JSON objects. */
    private static Object plain(Object raw) {
        if (raw instanceof RawTable table) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (String k : table.keys()) {
                RawValue v = table.get(k);
                map.put(k, plain(v.value()));
            }
            return map;
        }
        return raw;
    }

    private Map<String, Object> readSpec(String text) {
        String json;
        String source = "--spec";
        try {
            if (text.equals("-")) {
                json = new String(Invocation.current().stdin().readAllBytes(), StandardCharsets.UTF_8);
                source = "--spec (standard input)";
            } else if (text.startsWith("@")) {
                json = Files.readString(Invocation.current().resolve(text.substring(1)));
                source = text.substring(1);
            } else {
                json = text;
            }
        } catch (IOException e) {
            throw new BgrunException(ErrorType.IoError, "cannot read " + text + ": " + e.getMessage());
        }
        try {
            return new LinkedHashMap<>(Json.readObject(json));
        } catch (JsonException e) {
            Problems problems = new Problems(source);
            problems.add(new Position(Math.max(1, e.line()), Math.max(1, e.column())), "", "not valid JSON: " + e.getMessage());
            problems.throwIfAny();
            throw e;
        }
    }

    /**
     * The project, when there is one. A missing file named with -f is an error; a broken project file is one
     * only when the single word could be one of its jobs (a longer command never needs the project).
     */
    private Project projectOrNull(boolean mayBeJobName) {
        try {
            return ProjectArgs.load(spec);
        } catch (BgrunException e) {
            boolean explicitFile = ProjectArgs.root(spec).file() != null;
            if (e.type() == ErrorType.ConfigNotFound && !explicitFile) {
                return null;
            }
            if (e.type() == ErrorType.ConfigInvalid && !mayBeJobName) {
                return null;
            }
            throw e;
        }
    }

    private String currentWorkspaceOrDefault() {
        try {
            ProjectFiles.discover(Invocation.current().cwd());
        } catch (BgrunException e) {
            return "default";
        }
        String ws = DaemonAccess.currentWorkspace(spec);
        return ws != null ? ws : "default";
    }
}
