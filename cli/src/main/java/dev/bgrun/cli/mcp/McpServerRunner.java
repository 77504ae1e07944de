package dev.bgrun.cli.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bgrun.cli.VersionProvider;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiFunction;

/** Builds the MCP server of {@code bgrun mcp} (the SDK's, on stdio) and serves until the client closes stdin. */
final class McpServerRunner {
    private McpServerRunner() {
    }

    /** The tools: every {@link Tools#ALL} command, and is_ready. */
    static List<SyncToolSpecification> tools(ToolCalls calls) {
        List<List<String>> commands = new ArrayList<>(Tools.ALL.stream().map(ToolSpec::command).toList());
        commands.add(IsReady.WAIT);
        Map<List<String>, Map<String, Object>> shown = ToolSchemas.showAll(commands);
        List<SyncToolSpecification> tools = new ArrayList<>();
        for (ToolSpec tool : Tools.ALL) {
            ToolSchemas schemas = ToolSchemas.of(tool, shown.get(tool.command()));
            tools.add(tool(tool.name(), schemas, (exchange, request) -> calls.call(tool, schemas, request.arguments())));
        }
        tools.add(tool(IsReady.NAME, IsReady.schemas(shown.get(IsReady.WAIT)), (exchange, request) -> IsReady.call(calls, request.arguments())));
        return tools;
    }

    private static SyncToolSpecification tool(String name, ToolSchemas schemas,
                                              BiFunction<io.modelcontextprotocol.server.McpSyncServerExchange,
                                                      McpSchema.CallToolRequest, McpSchema.CallToolResult> handler) {
        McpSchema.Tool tool = McpSchema.Tool.builder().name(name).description(schemas.description())
                .inputSchema(schemas.input()).outputSchema(schemas.output()).build();
        return SyncToolSpecification.builder().tool(tool).callHandler(handler).build();
    }

    /** Serves on this process's stdin and stdout until stdin ends; returns the exit code. */
    static int serve(Path projectFile, String workspace) throws InterruptedException {
        PrintStream protocol = System.out;
        System.setOut(System.err); // stdout is the protocol's alone: a stray print must not corrupt it
        CountDownLatch closed = new CountDownLatch(1);
        InputStream in = new FilterInputStream(System.in) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n < 0) {
                    closed.countDown();
                }
                return n;
            }

            @Override
            public int read() throws IOException {
                int c = super.read();
                if (c < 0) {
                    closed.countDown();
                }
                return c;
            }
        };
        McpJsonMapper mapper = new JacksonMcpJsonMapper(new ObjectMapper());
        ToolCalls calls = new ToolCalls(projectFile);
        Resources resources = new Resources(calls);
        List<SyncResourceSpecification> fixed = workspace == null ? List.of() : List.of(resources.graph(workspace));
        McpSyncServer server = McpServer.sync(new StdioServerTransportProvider(mapper, in, protocol))
                .serverInfo("bgrun", VersionProvider.version())
                .instructions("bgrun runs this project's processes (bgrun.toml) in a per-user daemon. Bring the stack "
                        + "up with up, ask is_ready, read only new output with diff (a named cursor) and what happened "
                        + "with events (since a cursor); every answer is the JSON of the bgrun command of that name.")
                .jsonMapper(mapper)
                .jsonSchemaValidator(TRUSTED)
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).resources(false, false).build())
                .tools(tools(calls))
                .resources(fixed)
                .resourceTemplates(resources.logs())
                .build();
        closed.await();
        server.closeGracefully();
        return 0;
    }

    /**
     * The server does not validate again what it sends: every answer is the CLI's own JSON, which SchemaIT and
     * McpIT check against these same schemas, and validating each one would cost the round trip its latency.
     * Clients validate (the SDK's client and the TypeScript one both do). The arguments are checked by the
     * command's own parser, with bgrun's errors.
     */
    private static final JsonSchemaValidator TRUSTED = new JsonSchemaValidator() {
        @Override
        public ValidationResponse validate(Map<String, Object> schema, Object structuredContent) {
            return ValidationResponse.asValid(null);
        }
    };
}
