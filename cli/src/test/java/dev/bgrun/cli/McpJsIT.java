package dev.bgrun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgrun.cli.BgrunProcess.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bgrun mcp} driven by a client of another ecosystem: the official TypeScript SDK from the npm registry
 * (src/test/mcp-js, installed by scripts/test with npm ci), run with node. The SDK validates each structured
 * answer against the tool's output schema with Ajv, so the schemas are proven against more than the Java SDK.
 */
class McpJsIT {
    private static final Path CLIENT = BgrunProcess.REPO.resolve("cli/src/test/mcp-js");

    @TempDir
    Path tmp;

    @Test
    void theTypeScriptSdkDrivesAStack() throws Exception {
        assertThat(CLIENT.resolve("node_modules/@modelcontextprotocol/sdk/package.json"))
                .as("the TypeScript MCP SDK is not installed: run `npm ci --prefix cli/src/test/mcp-js` (scripts/test does)")
                .exists();
        Path project = BgrunProcess.project(tmp.resolve("jsdemo"), """
                workspace = "jsdemo"

                [jobs.api]
                cmd = "echo 'api: up'; while read line; do echo \\"api: $line -> pong\\"; done"
                stdin = true
                ready-when = "api: up"
                """);
        try (Daemon d = new Daemon(tmp)) {
            Result r = BgrunProcess.run(CLIENT, d.env(), List.of("node", "client.mjs", BgrunProcess.JAVA,
                    BgrunProcess.JAR.toString(), project.resolve("bgrun.toml").toString()));
            assertThat(r.exitCode()).as(r.toString()).isZero();
            JsonNode seen = Daemon.JSON.readTree(r.out());
            assertThat(seen.get("tools")).hasSize(17);
            assertThat(seen.get("withSchemas").asInt()).isEqualTo(17);
            assertThat(seen.get("up").asBoolean()).isTrue();
            assertThat(seen.get("ready").asBoolean()).isTrue();
            assertThat(seen.get("firstDiff").toString()).isEqualTo("[\"api: up\"]");
            assertThat(seen.get("secondDiff").toString()).isEqualTo("[\"api: ping -> pong\"]");
            assertThat(seen.get("search").toString()).isEqualTo("[\"api: ping -> pong\"]");
            assertThat(seen.get("events").toString()).isEqualTo("[\"transition:starting\",\"transition:running\",\"transition:ready\"]");
            assertThat(seen.get("eventsAgain").asInt()).isZero();
            assertThat(seen.get("run").toString()).isEqualTo("{\"name\":\"hello\",\"tags\":[\"t1\"]}");
            assertThat(seen.get("hello").asBoolean()).isTrue();
            assertThat(seen.get("stopped").asInt()).isEqualTo(1);
            assertThat(seen.get("error").get("isError").asBoolean()).isTrue();
            assertThat(seen.get("error").get("type").asText()).isEqualTo("JobNotFound");
            assertThat(seen.get("error").get("details").get("hint").asText()).isNotBlank();
            assertThat(seen.get("log").asText()).isEqualTo("api: up\napi: ping -> pong\n");
            assertThat(seen.get("graph").asText()).startsWith("flowchart LR").contains("[\"api\"]");
            assertThat(seen.get("down").asInt()).isEqualTo(1);
            assertThat(Files.exists(project.resolve("bgrun.toml"))).isTrue();
        }
    }
}
