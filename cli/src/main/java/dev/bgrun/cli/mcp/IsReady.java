package dev.bgrun.cli.mcp;

import dev.bgrun.orchestrator.json.Json;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The is_ready tool: whether one job, or every job of the project file, is ready now (a oneshot: completed).
 * It asks {@code wait JOB --timeout 0s} of each job, so "ready" means what it means to wait; a job that was
 * never started answers with its JobNotFound error. Not being ready is an answer, not a tool error.
 */
final class IsReady {
    static final String NAME = "is_ready";

    private IsReady() {
    }

    @SuppressWarnings("unchecked")
    static final List<String> WAIT = List.of("wait");

    /** {@code shownWait}: what schema show prints for wait. */
    static ToolSchemas schemas(Map<String, Object> shownWait) {
        ToolSchemas wait = ToolSchemas.of(ToolSpec.document("wait", "wait"), shownWait);
        Map<String, Object> job = new LinkedHashMap<>((Map<String, Object>) ((Map<String, Object>)
                wait.input().get("properties")).get("job"));
        job.put("description", "One job (id, id prefix, NAME or WORKSPACE/NAME); without it, every job of the project file.");
        Map<String, Object> input = ToolSchemas.object(Map.of("job", job), List.of());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ready", Map.of("type", "boolean", "description", "Whether every job asked about is ready."));
        answer.put("jobs", Map.of("type", "array", "description", "What wait --timeout 0s answered for each job: its "
                + "answer, or its error envelope (a job never started: JobNotFound).",
                "items", Map.of("oneOf", List.of(wait.output(), wait.error()))));
        String description = "Whether a job, or every job of the project file, is ready now (a oneshot: completed), "
                + "without waiting: what wait --timeout 0s says of each.";
        return new ToolSchemas(description, Map.of(), input, ToolSchemas.object(answer, List.of("ready", "jobs")), wait.error());
    }

    @SuppressWarnings("unchecked")
    static CallToolResult call(ToolCalls calls, Map<String, Object> arguments) {
        if (arguments != null && !java.util.Set.of("job").containsAll(arguments.keySet())) {
            return ToolCalls.failure(dev.bgrun.cli.Output.envelope(new dev.bgrun.orchestrator.error.BgrunException(
                    dev.bgrun.orchestrator.error.ErrorType.UsageError, "tool is_ready takes only the argument \"job\"",
                    "leave job out to ask about every job of the project file")));
        }
        List<String> names = new ArrayList<>();
        Object job = arguments == null ? null : arguments.get("job");
        if (job != null) {
            names.add(String.valueOf(job));
        } else {
            CliCall graph = calls.run(List.of("config", "graph"), List.of("--format", "json"));
            if (graph.exitCode() != 0) {
                return ToolCalls.failure(graph);
            }
            names.addAll((List<String>) graph.document().get("jobs"));
        }
        List<Map<String, Object>> answers = new ArrayList<>();
        boolean ready = true;
        for (String name : names) {
            CliCall wait = calls.run(List.of("wait"), List.of("--timeout", "0s", "--", name));
            Map<String, Object> answer = wait.document() != null ? wait.document() : wait.error();
            ready &= Boolean.TRUE.equals(answer.get("ready"));
            answers.add(answer);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("ready", ready);
        result.put("jobs", answers);
        return ToolCalls.success(result, Json.write(result), false);
    }
}
