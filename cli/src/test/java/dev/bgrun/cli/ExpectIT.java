package dev.bgrun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgrun.cli.BgrunProcess.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** expect: from now or from the start, text or regex, timing out with 124, ending with the job. */
class ExpectIT {
    @TempDir
    Path tmp;

    @Test
    void expectFindsTheLineItWasAskedForOrSaysWhyNot() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            // "ready 1" is written at once; "ready 2" only once the test creates the file go.
            d.run("--name", "srv", "--", "sh -c 'echo ready 1; while [ ! -f go ]; do sleep 0.05; done; echo ready 2; echo done 7; exec sleep 300'");
            assertThat(d.json("expect", "srv", "ready 1", "--from-start").get("line_number").asInt()).isEqualTo(1);

            // From now on: "ready 1" is in the past, so nothing matches until the gate opens (then: 124 first).
            Result timedOut = d.bgrun("expect", "srv", "ready", "--timeout", "1s");
            assertThat(timedOut.exitCode()).as(timedOut.toString()).isEqualTo(124);
            assertThat(Daemon.JSON.readTree(timedOut.out()).get("timed_out").asBoolean()).isTrue();

            Files.writeString(d.work.resolve("go"), "");
            JsonNode regex = d.json("expect", "srv", "--regex", "done \\d", "--from-start");
            assertThat(regex.get("line").get("content").asText()).isEqualTo("done 7");
            assertThat(regex.get("line_number").asInt()).isEqualTo(3);

            d.run("--name", "short", "--", "sh -c 'echo bye; exit 2'");
            Result ended = d.bgrun("expect", "short", "never written", "--timeout", "10m");
            assertThat(ended.exitCode()).as(ended.toString()).isEqualTo(1);
            JsonNode end = Daemon.JSON.readTree(ended.out());
            assertThat(end.get("ended").asBoolean()).isTrue();
            assertThat(end.get("state").asText()).isEqualTo("failed");

            Result bad = d.bgrun("expect", "srv", "--regex", "(");
            assertThat(bad.exitCode()).isEqualTo(2);
            assertThat(bad.err()).contains("--regex:");
        }
    }
}
