package dev.bgrun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bgrun.cli.BgrunProcess.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.bgrun.cli.BgrunProcess.SAMPLES;
import static dev.bgrun.cli.BgrunProcess.bgrun;
import static org.assertj.core.api.Assertions.assertThat;

/** The config commands, run as the real packaged CLI in a subprocess. */
class ConfigCommandsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static JsonNode json(String text) throws IOException {
        return JSON.readTree(text);
    }

    @Test
    void checkPrintsJsonWhenStdoutIsNotATerminal() throws IOException {
        Result r = bgrun(SAMPLES, "config", "check");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode data = json(r.out());
        assertThat(data.get("valid").asBoolean()).isTrue();
        assertThat(data.get("workspace").asText()).isEqualTo("sample");
        assertThat(data.get("file").asText()).isEqualTo(SAMPLES.resolve("bgrun.toml").toString());
        assertThat(data.get("jobs").toString()).isEqualTo("[\"db\",\"migrate\",\"web\",\"worker\"]");
        assertThat(data.get("layers").toString()).isEqualTo("[[\"db\"],[\"migrate\"],[\"web\"],[\"worker\"]]");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void checkHumanView() {
        Result r = bgrun(SAMPLES.getParent(), "config", "check", "samples/bgrun.toml", "--no-json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("ok: samples/bgrun.toml is valid: 4 jobs in workspace sample, 4 start layers\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"syntax", "unknown-key", "unknown-after", "cycle", "bad-regex", "bad-port", "bad-duration",
            "contradictory", "bad-interpolation", "many-errors", "wrong-type"})
    void everyBrokenSampleIsAValidationErrorWithLocatedProblems(String sample) throws IOException {
        Result r = bgrun(SAMPLES.getParent(), "config", "check", "-f", "samples/broken/" + sample + ".toml");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        JsonNode envelope = json(r.err());
        assertThat(envelope.get("ok").asBoolean()).isFalse();
        JsonNode error = envelope.get("error");
        assertThat(error.get("type").asText()).isEqualTo("ConfigInvalid");
        assertThat(error.get("details").get("retryable").asBoolean()).isFalse();
        assertThat(error.get("details").get("hint").asText()).contains("bgrun config check");
        JsonNode problems = error.get("details").get("problems");
        assertThat(problems.size()).isEqualTo(sample.equals("many-errors") ? 4 : 1);
        for (JsonNode p : problems) {
            assertThat(p.get("file").asText()).isEqualTo("samples/broken/" + sample + ".toml");
            assertThat(p.get("line").asInt()).isPositive();
            assertThat(p.get("column").asInt()).isPositive();
            assertThat(p.get("text").asText()).startsWith("samples/broken/" + sample + ".toml:" + p.get("line").asInt() + ":");
        }
    }

    @Test
    void humanErrorsListEveryProblem() {
        Result r = bgrun(SAMPLES, "config", "check", "broken/many-errors.toml", "--no-json");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().lines().toList()).containsExactly(
                "error: broken/many-errors.toml:4:1: jobs.db.ready-when-prot: unknown key; did you mean \"ready-when-port\"?",
                "error: broken/many-errors.toml:5:1: jobs.db.ready-when-port: port 99999 is out of range: expected a port from 1 to 65535 or a string such as \"${PORT}\"",
                "error: broken/many-errors.toml:9:1: jobs.web.after: unknown job \"dbb\"; did you mean \"db\"?",
                "error: broken/many-errors.toml:10:1: jobs.web.restart: expected one of \"never\", \"on-failure\", \"on-crash\", \"always\", got \"sometimes\"",
                "4 problems found in broken/many-errors.toml");
    }

    @Test
    void findsTheProjectFileFromASubdirectory() throws IOException {
        Path repo = BgrunProcess.project(tmp.resolve("repo"), "workspace = \"deep\"\n[jobs.a]\ncmd = \"true\"\n");
        Path sub = Files.createDirectories(repo.resolve("src/main"));
        Result r = bgrun(sub, "config", "check");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(json(r.out()).get("workspace").asText()).isEqualTo("deep");
    }

    @Test
    void noProjectFileIsNotFound() throws IOException {
        Path repo = Files.createDirectories(tmp.resolve("empty/.git")).getParent();
        Result r = bgrun(repo, "config", "check");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        JsonNode error = json(r.err()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("ConfigNotFound");
        assertThat(error.get("details").get("hint").asText()).contains("-f/--file");
        assertThat(error.get("details").get("looked_in").get(0).asText()).isEqualTo(repo.resolve("bgrun.toml").toString());

        Result missing = bgrun(repo, "config", "check", "-f", "nope.toml", "--no-json");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).startsWith("error: no such file: nope.toml\n");
    }

    @Test
    void usageErrorsAreExitTwoWithAHint() throws IOException {
        Result typo = bgrun(SAMPLES, "confg", "check");
        assertThat(typo.exitCode()).as(typo.toString()).isEqualTo(2);
        JsonNode error = json(typo.err()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("UsageError");
        assertThat(error.get("details").get("hint").asText()).contains("did you mean config");

        Result option = bgrun(SAMPLES, "config", "graph", "--format", "png");
        assertThat(option.exitCode()).isEqualTo(2);
        assertThat(json(option.err()).get("error").get("message").asText()).contains("--format").contains("png");
        // --no-json is honoured even when the usage error stops parsing before it.
        Result human = bgrun(SAMPLES, "config", "graph", "--format", "png", "--no-json");
        assertThat(human.exitCode()).isEqualTo(2);
        assertThat(human.err()).startsWith("error: Invalid value for option '--format'");

        Result job = bgrun(SAMPLES, "config", "show", "wbe");
        assertThat(job.exitCode()).isEqualTo(1);
        JsonNode notFound = json(job.err()).get("error");
        assertThat(notFound.get("type").asText()).isEqualTo("JobNotFound");
        assertThat(notFound.get("details").get("hint").asText()).startsWith("did you mean \"web\"?");
    }

    @Test
    void versionAndHelp() {
        Result version = bgrun(SAMPLES, "--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).matches("bgrun \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(Java 25[^)]*\\)\n");

        Result help = bgrun(SAMPLES, "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Usage: bgrun", "config", "completions", "Examples:", "--json", "-f, --file=FILE");

        Result sub = bgrun(SAMPLES, "config", "graph", "--help");
        assertThat(sub.exitCode()).isZero();
        assertThat(sub.out()).contains("Usage: bgrun config graph", "--format=FORMAT", "Examples:");
    }

    @Test
    void graphInEveryFormat() throws IOException {
        JsonNode graph = json(bgrun(SAMPLES, "config", "graph").out());
        assertThat(graph.get("layers").toString()).isEqualTo("[[\"db\"],[\"migrate\"],[\"web\"],[\"worker\"]]");
        assertThat(graph.get("edges").toString()).contains("{\"from\":\"migrate\",\"to\":\"web\",\"condition\":\"completed\"}");

        Result text = bgrun(SAMPLES, "config", "graph", "--no-json");
        assertThat(text.out()).isEqualTo("""
                workspace sample: 4 jobs in 4 start layers
                   1  db
                   2  migrate  after db (ready) [oneshot]
                   3  web      after db (ready), migrate (completed)
                   4  worker   after web (ready)
                """);
        assertThat(bgrun(SAMPLES, "config", "graph", "--format", "dot").out())
                .startsWith("digraph \"sample\" {").contains("\"db\" -> \"web\" [label=\"ready\"];");
        assertThat(bgrun(SAMPLES, "config", "graph", "--format", "mermaid", "migrate").out()).isEqualTo("""
                flowchart LR
                  j0["db"]
                  j1["migrate"]
                  j0 -->|ready| j1
                """);
    }

    @Test
    void showResolvesDefaults() throws IOException {
        Result r = bgrun(SAMPLES, "config", "show", "web", "--json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode jobs = json(r.out()).get("jobs");
        assertThat(jobs.size()).isEqualTo(1);
        JsonNode web = jobs.get("web");
        assertThat(web.get("cmd").toString()).isEqualTo("[\"java\",\"Web.java\"]");
        assertThat(web.get("stop-timeout").asText()).isEqualTo("5s");
        assertThat(web.get("ready-timeout").asText()).isEqualTo("2m");
        assertThat(web.get("backoff-ms").asInt()).isEqualTo(2000);
        assertThat(web.get("cwd").asText()).isEqualTo(SAMPLES.toString());
        assertThat(web.get("workspace").asText()).isEqualTo("sample");
        assertThat(web.get("after").toString()).isEqualTo("{\"db\":\"ready\",\"migrate\":\"completed\"}");
        assertThat(web.get("env").toString()).isEqualTo("{\"DB_PORT\":\"<hidden: --show-env>\"}");
        JsonNode shown = json(bgrun(SAMPLES, "config", "show", "web", "--show-env").out()).get("jobs").get("web");
        assertThat(shown.get("env").toString()).isEqualTo("{\"DB_PORT\":\"${db.DB_PORT}\"}");

        Result human = bgrun(SAMPLES, "config", "show", "db", "--no-json");
        assertThat(human.out()).contains("[jobs.db]\n", "cmd = [\"java\", \"Db.java\"]\n",
                "stop-timeout = \"5s\"  # from [defaults]\n", "restart = \"never\"  # default\n");
    }

    @Test
    void completionScripts() {
        Result bash = bgrun(SAMPLES, "completions", "--shell", "bash");
        assertThat(bash.exitCode()).as(bash.toString()).isZero();
        assertThat(bash.out()).contains("complete -F", "config", "graph", "--format");
        Result zsh = bgrun(SAMPLES, "completions", "--shell", "zsh");
        assertThat(zsh.out()).startsWith("autoload -U +X compinit");
    }

    @Test
    void onATerminalOutputIsHumanAndColouredUnlessNoColor() {
        // `script` gives the command a real pseudo-terminal as stdout.
        String cmd = BgrunProcess.JAVA + " -jar " + BgrunProcess.JAR + " config check";
        Result tty = BgrunProcess.run(SAMPLES, java.util.Map.of(), List.of("script", "-qec", cmd, "/dev/null"));
        assertThat(tty.exitCode()).as(tty.toString()).isZero();
        assertThat(tty.out()).contains("\u001b[32mok\u001b[0m: bgrun.toml is valid");

        Result plain = BgrunProcess.run(SAMPLES, java.util.Map.of("NO_COLOR", "1"),
                List.of("script", "-qec", cmd, "/dev/null"));
        assertThat(plain.out()).contains("ok: bgrun.toml is valid").doesNotContain("\u001b[");

        Result forced = BgrunProcess.run(SAMPLES, java.util.Map.of(), List.of("script", "-qec", cmd + " --json", "/dev/null"));
        assertThat(forced.out()).contains("{\"valid\":true");
    }

    @Test
    void theLauncherRunsTheJarAndExplainsAMissingJdk() {
        Path launcher = BgrunProcess.REPO.resolve("scripts/bgrun");
        Result ok = BgrunProcess.run(SAMPLES, java.util.Map.of(), List.of(launcher.toString(), "config", "check"));
        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        assertThat(ok.out()).contains("\"valid\":true");

        List<String> command = new ArrayList<>(List.of("env", "-u", "BGRUN_JAVA_HOME", "JAVA_HOME=/nonexistent/jdk",
                "BGRUN_JDK_DIRS=" + tmp.resolve("no-jdks") + "/*", launcher.toString(), "--version"));
        Result missing = BgrunProcess.run(SAMPLES, java.util.Map.of(), command);
        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(2);
        assertThat(missing.err()).contains("bgrun: no Java 25 (or newer) JDK found.", "JAVA_HOME=/nonexistent/jdk",
                "install a JDK 25");
    }
}
