package dev.bgrun.cli.config;

import dev.bgrun.cli.Output;
import dev.bgrun.cli.ProjectArgs;
import dev.bgrun.orchestrator.project.Project;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code bgrun config check}: validate the project file, reporting every problem at once. */
@Command(name = "check", description = "Validate the project file; every problem is listed with file:line:col.",
        footerHeading = "%nExamples:%n",
        footer = {"  bgrun config check", "  bgrun config check samples/bgrun.toml --json",
                "%nExit codes: 0 valid, 2 invalid, 1 file not found."})
public final class ConfigCheckCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "FILE", description = "The project file (overrides -f).")
    private Path file;

    @Override
    public void run() {
        Project project = ProjectArgs.load(spec, file);
        Output out = ProjectArgs.root(spec).output();
        if (out.json()) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("valid", true);
            data.put("file", project.file().toString());
            data.put("workspace", project.workspace());
            data.put("jobs", project.jobs().keySet());
            data.put("layers", project.graph().layers());
            out.data(data);
        } else {
            int jobs = project.jobs().size();
            int layers = project.graph().layers().size();
            out.line(out.green("ok") + ": " + project.source() + " is valid: " + jobs + (jobs == 1 ? " job" : " jobs")
                    + " in workspace " + out.bold(project.workspace()) + ", " + layers
                    + (layers == 1 ? " start layer" : " start layers"));
        }
    }
}
