package dev.bgrun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bgrun mcp} as an MCP client sees it: the real launcher's jar as a subprocess on stdio, the SDK's own
 * client (which validates each structured answer against the tool's output schema), a real daemon in a private
 * BGRUN_HOME, and the sample stack. Every job and the daemon are gone at the end (ProcessAudit, in Daemon).
 */
class McpIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TOOLS = List.of("up", "down", "is_ready", "run", "list", "status", "wait",
            "stop", "restart", "stats", "tail", "diff", "expect", "search", "events", "send", "config_check");

    @TempDir
    Path tmp;

    /** A client of {@code bgrun mcp -f FILE}, started in the daemon's world. */
    static McpSyncClient client(Daemon d, Path projectFile) {
        ServerParameters server = ServerParameters.builder(BgrunProcess.JAVA)
                .args("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", BgrunProcess.JAR.toString(), "mcp", // as the launcher
                        "-f", projectFile.toString())
                .env(Map.of("BGRUN_HOME", d.home.toString())).build();
        McpSyncClient client = McpClient.sync(new StdioClientTransport(server, new JacksonMcpJsonMapper(new ObjectMapper())))
                .requestTimeout(Duration.ofSeconds(120)).initializationTimeout(Duration.ofSeconds(120)).build();
        client.initialize();
        return client;
    }

    static JsonNode call(McpSyncClient client, String tool, Map<String, Object> args) {
        CallToolResult r = client.callTool(new CallToolRequest(tool, args));
        assertThat(r.isError()).as(tool + " " + args + ": " + r.content()).isFalse();
        return JSON.valueToTree(r.structuredContent());
    }

    static String text(CallToolResult r) {
        return ((McpSchema.TextContent) r.content().getFirst()).text();
    }

    @Test
    void drivesTheSampleStack() throws Exception {
        try (Daemon d = new Daemon(tmp); McpSyncClient client = client(d, BgrunProcess.SAMPLES.resolve("bgrun.toml"))) {
            List<McpSchema.Tool> tools = client.listTools().tools();
            assertThat(tools).extracting(McpSchema.Tool::name).containsExactlyInAnyOrderElementsOf(TOOLS);
            for (McpSchema.Tool tool : tools) {
                assertThat(tool.inputSchema()).as(tool.name()).isNotNull();
                assertThat(tool.outputSchema()).as(tool.name()).containsEntry("type", "object");
                assertThat(tool.description()).as(tool.name()).isNotBlank();
            }

            String cursor = call(client, "events", Map.of("since", "now")).get("cursor").asText();
            JsonNode up = call(client, "up", Map.of("timeout", "90s"));
            assertThat(up.get("ok").asBoolean()).as(up.toString()).isTrue();
            up.get("jobs").forEach(d::remember);
            assertThat(call(client, "is_ready", Map.of()).get("ready").asBoolean()).isTrue();
            JsonNode web = call(client, "is_ready", Map.of("job", "web"));
            assertThat(web.get("jobs").get(0).get("name").asText()).isEqualTo("web");

            // diff twice with one cursor name: the second answer holds only lines written after the first.
            JsonNode first = call(client, "diff", Map.of("job", "worker", "name", "agent"));
            long seen = first.get("cursor").asLong();
            assertThat(first.get("lines").size()).isPositive();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60))
                    .until(() -> call(client, "status", Map.of("job", "worker")).get("log").get("lines").asLong() > seen);
            JsonNode second = call(client, "diff", Map.of("job", "worker", "name", "agent"));
            assertThat(second.get("lines").size()).isPositive();
            second.get("lines").forEach(line -> assertThat(line.get("line_number").asLong()).isGreaterThan(seen));

            // search: newest first, bounded.
            Map<String, Object> search = Map.of("job", "worker", "filter-regex", "tick \\d+", "lines", 2);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60))
                    .until(() -> call(client, "search", search).get("truncated").asBoolean()); // 3 ticks or more
            JsonNode found = call(client, "search", search);
            assertThat(found.get("lines").size()).isEqualTo(2);
            assertThat(found.get("lines").get(0).get("line_number").asLong())
                    .isGreaterThan(found.get("lines").get(1).get("line_number").asLong());

            // events since the cursor: every event once, in order; the next call starts where this one ended.
            JsonNode events = call(client, "events", Map.of("since", cursor));
            List<Long> ids = new ArrayList<>();
            events.get("events").forEach(e -> ids.add(e.get("id").asLong()));
            assertThat(ids).isNotEmpty().doesNotHaveDuplicates().isSorted();
            assertThat(ids.getFirst()).isGreaterThan(Long.parseLong(cursor));
            JsonNode next = call(client, "events", Map.of("since", events.get("cursor").asText()));
            next.get("events").forEach(e -> assertThat(e.get("id").asLong()).isGreaterThan(ids.getLast()));

            // Resources: a job's log, and the graph as Mermaid.
            String log = ((McpSchema.TextResourceContents) client.readResource(
                    new McpSchema.ReadResourceRequest("bgrun://sample/db/log")).contents().getFirst()).text();
            assertThat(log).contains("db: listening on");
            String graph = ((McpSchema.TextResourceContents) client.readResource(
                    new McpSchema.ReadResourceRequest("bgrun://sample/graph")).contents().getFirst()).text();
            assertThat(graph).startsWith("flowchart").contains("\"migrate\"");

            // A bgrun error is a tool error with its type, message and hint.
            CallToolResult missing = client.callTool(new CallToolRequest("status", Map.of("job", "nope")));
            assertThat(missing.isError()).isTrue();
            JsonNode error = JSON.readTree(text(missing)).get("error");
            assertThat(error.get("type").asText()).isEqualTo("JobNotFound");
            assertThat(error.get("details").get("hint").asText()).isNotBlank();
            CallToolResult unknown = client.callTool(new CallToolRequest("tail", Map.of("job", "db", "bogus", 1)));
            assertThat(JSON.readTree(text(unknown)).get("error").get("type").asText()).isEqualTo("UsageError");

            JsonNode down = call(client, "down", Map.of());
            assertThat(down.get("stopped").size()).isEqualTo(3); // migrate had completed
            assertThat(call(client, "is_ready", Map.of()).get("ready").asBoolean()).isFalse();

            // Closing the client's pipe ends the server; no job of the stack and no server process is left.
            client.closeGracefully();
            org.awaitility.Awaitility.await("no job or client process left").atMost(Duration.ofSeconds(60))
                    .until(() -> ProcessAudit.scan(d.home).of(ProcessAudit.Kind.JOB).isEmpty()
                            && ProcessAudit.scan(d.home).of(ProcessAudit.Kind.CLIENT).isEmpty());
        }
    }

    @Test
    void aStackThatCannotComeUpIsAToolErrorThatNamesTheCause() throws Exception {
        Path project = BgrunProcess.project(tmp.resolve("demo"), """
                workspace = "demo"

                [jobs.seed]
                cmd = "echo 'seed: loading'; echo 'seed: fixtures/users.csv: no such file' >&2; exit 4"
                oneshot = true

                [jobs.api]
                cmd = "exec sleep 600"
                after = ["seed"]
                """);
        try (Daemon d = new Daemon(tmp); McpSyncClient client = client(d, project.resolve("bgrun.toml"))) {
            CallToolResult r = client.callTool(new CallToolRequest("up", Map.of("timeout", "60s")));
            assertThat(r.isError()).isTrue();
            JsonNode result = JSON.valueToTree(r.structuredContent());
            assertThat(result.get("ok").asBoolean()).isFalse();
            JsonNode failure = result.get("failure");
            assertThat(failure.get("job").asText()).isEqualTo("seed");
            assertThat(failure.get("last_lines").toString()).contains("fixtures/users.csv: no such file");
            assertThat(result.get("blocked").toString()).contains("api");
            assertThat(call(client, "down", Map.of()).get("stopped")).isNotNull();
        }
    }
}
