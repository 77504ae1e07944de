package dev.bgrun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgrun.cli.BgrunProcess.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** How {@code run} reads its arguments: bgrun's options first, the command's words after its first word. */
class RunArgumentsIT {
    @TempDir
    Path tmp;

    @Test
    void wordsAfterTheCommandsFirstWordAreTheCommands() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            // --json after "sh" is the script's argument: bgrun keeps the human view asked for before it.
            Result run = d.bgrun("run", "--no-json", "--name", "echoer", "sh", "-c",
                    "echo \"args: $*\"; exec sleep 300", "sh", "--json", "-n", "x");
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).startsWith("started: ").doesNotContain("{");
            JsonNode job = d.status("echoer");
            assertThat(job.get("cmd").toString()).isEqualTo("[\"sh\",\"-c\",\"echo \\\"args: $*\\\"; exec sleep 300\",\"sh\",\"--json\",\"-n\",\"x\"]");
            await().atMost(Duration.ofSeconds(60)).until(() -> d.bgrun("tail", "echoer").out().contains("args: --json -n x"));
        }
    }

    @Test
    void wordsAfterAProjectJobsNameAreBgrunsOptions() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            BgrunProcess.project(d.work, """
                    [jobs.web]
                    cmd = "exec sleep 300"
                    """);
            Result help = d.bgrun("run", "web", "--help");
            assertThat(help.exitCode()).as(help.toString()).isZero();
            assertThat(help.out()).contains("Usage: bgrun run");
            assertThat(d.bgrunLines("list")).isEmpty(); // asking for help started nothing

            Result human = d.bgrun("run", "web", "--no-json", "--tag", "late");
            assertThat(human.exitCode()).as(human.toString()).isZero();
            assertThat(human.out()).startsWith("started: work/web").doesNotContain("{");
            assertThat(d.bgrunLines("list", "--tag", "late")).singleElement()
                    .satisfies(j -> assertThat(j.get("name").asText()).isEqualTo("web"));
            d.bgrunLines("list").forEach(d::remember);

            JsonNode again = d.json("run", "web", "--json");
            assertThat(again.get("reused").asBoolean()).isTrue();

            JsonNode word = usageError(d.bgrun("run", "web", "--json", "foo"));
            assertThat(word.get("message").asText()).isEqualTo("\"web\" is a job of bgrun.toml and takes no arguments; got foo");
            assertThat(word.get("details").get("hint").asText()).contains("use -- web");
            JsonNode option = usageError(d.bgrun("run", "web", "-m", "http.server"));
            assertThat(option.get("message").asText()).endsWith("takes no arguments; got -m (not an option of bgrun run)");
            JsonNode missing = usageError(d.bgrun("run", "web", "--name"));
            assertThat(missing.get("message").asText()).isEqualTo("option --name (after the job's name \"web\") needs a value");
        }
    }

    private static JsonNode usageError(Result r) throws IOException {
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        JsonNode error = Daemon.JSON.readTree(r.err()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("UsageError");
        return error;
    }
}
