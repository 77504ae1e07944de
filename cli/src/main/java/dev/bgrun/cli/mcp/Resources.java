package dev.bgrun.cli.mcp;

import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceTemplateSpecification;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceResult;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The resources of {@code bgrun mcp}: each job's log ({@code bgrun://WORKSPACE/NAME/log}, its last
 * {@value #LOG_LINES} lines as text, from {@code tail}) and the project's dependency graph as Mermaid
 * ({@code bgrun://WORKSPACE/graph}, from {@code config graph --format mermaid}).
 */
final class Resources {
    static final int LOG_LINES = 200;
    private static final Pattern LOG = Pattern.compile("bgrun://([^/]+)/([^/]+)/log");

    private final ToolCalls calls;

    Resources(ToolCalls calls) {
        this.calls = calls;
    }

    SyncResourceTemplateSpecification logs() {
        McpSchema.ResourceTemplate template = McpSchema.ResourceTemplate.builder("bgrun://{workspace}/{name}/log", "log")
                .title("A job's log").mimeType("text/plain")
                .description("The last " + LOG_LINES + " lines of a job's output (both streams, in line order); the "
                        + "tail, diff and search tools read more, with filters and cursors.").build();
        return new SyncResourceTemplateSpecification(template, (exchange, request) -> {
            Matcher m = LOG.matcher(request.uri());
            if (!m.matches()) {
                throw McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS).message("not a log resource: " + request.uri()
                        + " (expected bgrun://WORKSPACE/NAME/log)").build();
            }
            CliCall tail = calls.run(List.of("tail"), List.of("--lines", String.valueOf(LOG_LINES), "--", m.group(1) + "/" + m.group(2)));
            Map<String, Object> document = tail.document();
            if (document == null) {
                throw McpError.builder(McpSchema.ErrorCodes.RESOURCE_NOT_FOUND).message(tail.stderr().strip()).build();
            }
            StringBuilder text = new StringBuilder();
            for (Object line : (List<?>) document.get("lines")) {
                text.append(((Map<?, ?>) line).get("content")).append('\n');
            }
            return text(request.uri(), "text/plain", text.toString());
        });
    }

    /** The graph of the project whose workspace is {@code workspace}. */
    SyncResourceSpecification graph(String workspace) {
        String uri = "bgrun://" + workspace + "/graph";
        McpSchema.Resource resource = McpSchema.Resource.builder().uri(uri).name("graph").title("Dependency graph")
                .mimeType("text/vnd.mermaid")
                .description("The project's jobs and what each waits for, as a Mermaid flowchart (edges from a "
                        + "dependency to its dependent, labelled with the condition).").build();
        return new SyncResourceSpecification(resource, (exchange, request) -> {
            CliCall graph = calls.run(List.of("config", "graph"), List.of("--format", "mermaid"));
            if (graph.exitCode() != 0) {
                throw McpError.builder(McpSchema.ErrorCodes.INTERNAL_ERROR).message(graph.stderr().strip()).build();
            }
            return text(uri, "text/vnd.mermaid", graph.stdout());
        });
    }

    private static ReadResourceResult text(String uri, String mimeType, String text) {
        return new ReadResourceResult(List.of(new TextResourceContents(uri, mimeType, text)));
    }
}
