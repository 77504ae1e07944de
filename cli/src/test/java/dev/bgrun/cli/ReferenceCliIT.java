package dev.bgrun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgrun.cli.BgrunProcess.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** What the reference CLI (seed 003) documents, bgrun answers too: its field names, switches and short forms. */
class ReferenceCliIT {
    @TempDir
    Path tmp;

    @Test
    void statsExpectStatusAndSchemaAnswerInTheReferencesTerms() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            d.run("--name", "srv", "--", "sh -c 'echo listening on http://localhost:8080; echo second; exec sleep 300'");

            JsonNode stats = d.json("stats", "srv");
            assertThat(stats.get("cpu_pct").asDouble()).isEqualTo(stats.get("cpu_percent").asDouble());
            assertThat(stats.get("rss_mb").asLong()).isEqualTo(Math.round(stats.get("rss_bytes").asLong() / 1048576.0));
            assertThat(stats.get("uptime_secs").asLong()).isEqualTo(stats.get("uptime_ms").asLong() / 1000);

            // expect JOB PATTERN --regex: the reference's switch; -e REGEX and --regex REGEX still work.
            JsonNode matched = d.json("expect", "srv", "http://localhost:\\d+", "--from-start", "--regex");
            assertThat(matched.get("content").asText()).isEqualTo("listening on http://localhost:8080");
            assertThat(matched.get("line_number").asInt()).isEqualTo(1);
            assertThat(d.json("expect", "srv", "-e", "^sec", "--from-start").get("content").asText()).isEqualTo("second");
            Result literal = d.bgrun("expect", "srv", "localhost:\\d+", "--from-start", "--timeout", "1s");
            assertThat(literal.exitCode()).as("without --regex the pattern is text: " + literal).isEqualTo(124);
            assertThat(Daemon.JSON.readTree(literal.out()).get("content").isNull()).isTrue();
            Result noPattern = d.bgrun("expect", "srv", "--regex");
            assertThat(noPattern.exitCode()).as(noPattern.toString()).isEqualTo(2);
            assertThat(noPattern.err()).contains("--regex without a value needs the pattern");

            assertThat(d.status("srv").get("last_diff_cursor").asLong()).isZero();
            d.json("diff", "srv");
            assertThat(d.status("srv").get("last_diff_cursor").asLong()).isEqualTo(2);
            d.json("diff", "srv", "--name", "other", "--skip"); // another reader's cursor is not the default one
            assertThat(d.status("srv").get("last_diff_cursor").asLong()).isEqualTo(2);

            for (String command : List.of("kill", "tail")) { // any command, as for schema show
                assertThat(d.json("schema", command)).isEqualTo(d.json("schema", "show", command));
            }
            Result unknown = d.bgrun("schema", "kil");
            assertThat(unknown.exitCode()).isEqualTo(2);
            assertThat(unknown.err()).contains("did you mean \\\"kill\\\"");
        }
    }

    @Test
    void completionsListLiveJobsAndWorkspacesAndTheScriptsCompleteThem() throws Exception {
        try (Daemon d = new Daemon(tmp)) {
            // No daemon yet: nothing to complete, no error, and no daemon started by a Tab.
            Result none = d.bgrun("completions", "--active-ids");
            assertThat(none.exitCode()).as(none.toString()).isZero();
            assertThat(none.out()).isEmpty();
            assertThat(d.json("daemon", "status").get("running").asBoolean()).isFalse();

            String a = d.run("--name", "web", "--workspace", "alpha", "--", "sleep", "300").get("id").asText();
            String b = d.run("--name", "web", "--workspace", "beta", "--", "sleep", "300").get("id").asText();
            d.run("--name", "done", "--workspace", "gamma", "--oneshot", "--", "true");
            d.awaitState("gamma/done", "exited");
            assertThat(d.bgrun("completions", "--active-ids").out().lines())
                    .containsExactlyInAnyOrder(a + "\talpha/web ready", b + "\tbeta/web ready");
            assertThat(d.bgrun("completions", "--workspaces").out().lines()).containsExactlyInAnyOrder("alpha", "beta");
            assertThat(d.bgrun("completions").exitCode()).isEqualTo(2);

            // The bash script, run by bash: job ids for a job argument, workspaces for -w, commands as before.
            Path launcher = tmp.resolve("bgrun");
            Files.writeString(launcher, "#!/bin/sh\nexec '" + BgrunProcess.JAVA + "' -jar '" + BgrunProcess.JAR + "' \"$@\"\n");
            Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwx------"));
            Path bash = tmp.resolve("bgrun.bash");
            Files.writeString(bash, d.bgrun("completions", "--shell", "bash").out());
            String complete = "source " + bash + "; c() { COMPREPLY=(); COMP_WORDS=(" + launcher + " \"$@\"); "
                    + "COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); _bgrun_live; printf '%s\\n' \"${COMPREPLY[@]}\" | sort | tr '\\n' ' '; echo; }; "
                    + "c status ''; c stop --workspace ''; c tail --lines ''; c sta; c expect " + a.substring(0, 4);
            Result bashOut = BgrunProcess.run(d.work, d.env(), List.of("bash", "-c", complete));
            assertThat(bashOut.out().lines()).as(bashOut.toString()).containsExactly(
                    String.join(" ", List.of(a, b).stream().sorted().toList()) + " ",
                    "alpha beta ",
                    " ", // a value of --lines: no job ids
                    "stats status ",
                    a + " ");

            assumeTrue(Files.isExecutable(Path.of("/usr/bin/fish")), "fish is not installed");
            Path fish = tmp.resolve("bgrun.fish");
            Files.writeString(fish, d.bgrun("completions", "--shell", "fish").out());
            Result fishOut = BgrunProcess.run(d.work, d.env(), List.of("fish", "-c", "source " + fish
                    + "; complete -C '" + launcher + " status '; complete -C '" + launcher + " list -w '"));
            assertThat(fishOut.out().lines()).as(fishOut.toString())
                    .contains(a + "\talpha/web ready", b + "\tbeta/web ready")
                    .anyMatch(l -> l.startsWith("alpha\t")).anyMatch(l -> l.startsWith("beta\t"));
        }
    }
}
