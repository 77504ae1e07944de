package dev.bgrun.cli.mcp;

import dev.bgrun.cli.Invocation;
import dev.bgrun.cli.Output;
import dev.bgrun.cli.ProjectArgs;
import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.json.Json;
import dev.bgrun.orchestrator.project.ProjectFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code bgrun mcp}: the Model Context Protocol server on stdio, for AI agents. */
@Command(name = "mcp", description = "Serve the Model Context Protocol on stdin/stdout: the project's stack as tools "
        + "and resources for an AI agent (an MCP client starts it).",
        footerHeading = "%nExamples:%n",
        footer = {"  bgrun mcp --print-config           the JSON that registers this server with an MCP client",
                "  bgrun mcp -f app/bgrun.toml        serve the stack of another project file",
                "%nTools answer with the JSON of the bgrun command of the same name. Documentation: docs/agents.md#mcp"})
public final class McpCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--print-config", description = "Print the JSON snippet that registers `bgrun mcp` with an MCP client, and exit.")
    private boolean printConfig;

    @Override
    public Integer call() throws InterruptedException {
        Path file = projectFile();
        if (printConfig) {
            Output out = ProjectArgs.root(spec).output();
            Map<String, Object> config = config(file);
            if (out.json()) {
                out.data(config);
            } else {
                out.line(Json.writePretty(config));
            }
            return 0;
        }
        return McpServerRunner.serve(file, file == null ? null : workspace(file));
    }

    /** The project file: -f, else the one found from here; null when there is none (the job tools still work). */
    private Path projectFile() {
        Path named = ProjectArgs.root(spec).file();
        if (named != null) {
            return named.toAbsolutePath().normalize();
        }
        try {
            return ProjectFiles.discover(Invocation.current().cwd());
        } catch (BgrunException e) {
            return null;
        }
    }

    /** The project's workspace, or null when the file does not load (config_check tells why). */
    private static String workspace(Path file) {
        CliCall graph = new ToolCalls(file).run(List.of("config", "graph"), List.of("--format", "json"));
        return graph.exitCode() == 0 ? (String) graph.document().get("workspace") : null;
    }

    /** {"mcpServers":{"bgrun":{"command":"bgrun","args":["mcp","-f",FILE]}}}, the form MCP clients read. */
    private static Map<String, Object> config(Path file) {
        List<String> args = new ArrayList<>(List.of("mcp"));
        if (file != null) {
            args.add("-f");
            args.add(file.toString());
        }
        Map<String, Object> server = new LinkedHashMap<>();
        server.put("command", "bgrun");
        server.put("args", args);
        String home = Invocation.current().env("BGRUN_HOME");
        if (home != null) {
            server.put("env", Map.of("BGRUN_HOME", home));
        }
        return Json.object("mcpServers", Json.object("bgrun", server));
    }
}
