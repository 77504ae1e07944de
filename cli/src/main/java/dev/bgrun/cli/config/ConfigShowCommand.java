package dev.bgrun.cli.config;

import dev.bgrun.cli.Output;
import dev.bgrun.cli.ProjectArgs;
import dev.bgrun.orchestrator.config.JobKeys;
import dev.bgrun.orchestrator.config.JobSpec;
import dev.bgrun.orchestrator.config.SpecKey;
import dev.bgrun.orchestrator.project.Project;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code bgrun config show}: every job's resolved spec, with defaults applied. */
@Command(name = "show", description = "Show the resolved spec of each job: its own keys, [defaults] and built-in defaults.",
        footerHeading = "%nExamples:%n",
        footer = {"  bgrun config show", "  bgrun config show web --json"})
public final class ConfigShowCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "JOB", arity = "0..*", description = "Only these jobs (default: all).")
    private List<String> selection = new ArrayList<>();

    @picocli.CommandLine.Option(names = "--show-env", description = "Show env values (hidden by default: they may hold secrets).")
    private boolean showEnv;

    @Override
    public void run() {
        Project project = ProjectArgs.load(spec);
        ProjectArgs.requireJobs(project, selection);
        Output out = ProjectArgs.root(spec).output();
        List<JobSpec> jobs = project.jobs().values().stream()
                .filter(j -> selection.isEmpty() || selection.contains(j.name())).toList();
        if (out.json()) {
            Map<String, Object> specs = new LinkedHashMap<>();
            for (JobSpec job : jobs) {
                specs.put(job.name(), resolved(project, job));
            }
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("file", project.file().toString());
            data.put("workspace", project.workspace());
            data.put("jobs", specs);
            out.data(data);
            return;
        }
        out.line(out.dim("# " + project.source() + ", resolved; keys without a comment are the job's own"));
        out.line("workspace = " + TomlValues.format(project.workspace()));
        for (JobSpec job : jobs) {
            out.line("");
            out.line(out.bold("[jobs." + TomlValues.key(job.name()) + "]"));
            resolved(project, job).forEach((key, value) -> {
                SpecKey<?> specKey = JobKeys.byName(key);
                String note = switch (job.sourceOf(specKey)) {
                    case JOB -> "";
                    case DEFAULTS -> out.dim("  # from [defaults]");
                    case BUILT_IN -> out.dim(specKey == JobKeys.CWD || specKey == JobKeys.WORKSPACE
                            ? "  # resolved" : "  # default");
                };
                out.line(key + " = " + TomlValues.format(value) + note);
            });
        }
    }

    /** The job's effective keys, with its workspace and working directory resolved. */
    private Map<String, Object> resolved(Project project, JobSpec job) {
        Map<String, Object> values = new LinkedHashMap<>(job.toJson());
        if (!showEnv) {
            Map<String, Object> hidden = new LinkedHashMap<>();
            job.env().keySet().forEach(k -> hidden.put(k, "<hidden: --show-env>"));
            values.put(JobKeys.ENV.name(), hidden);
        }
        values.put(JobKeys.WORKSPACE.name(), project.workspaceOf(job));
        values.put(JobKeys.CWD.name(), project.workingDirectory(job).toString());
        Map<String, Object> ordered = new LinkedHashMap<>();
        for (SpecKey<?> key : JobKeys.all()) {
            if (values.containsKey(key.name())) {
                ordered.put(key.name(), values.get(key.name()));
            }
        }
        return ordered;
    }
}
