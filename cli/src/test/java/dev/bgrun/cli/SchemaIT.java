package dev.bgrun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.dialect.DialectId;
import dev.bgrun.cli.BgrunProcess.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * schema list and schema show: every command's output, printed for real against a real daemon, matches the
 * schema bgrun prints for it (objects are closed, so a field added in code without its schema fails here);
 * errors match the error envelope; and the job spec's schema accepts what run --spec accepts and rejects what
 * it rejects.
 */
class SchemaIT {
    private static final SchemaRegistry FACTORY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            b -> b.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
    private static final Schema META = FACTORY.getSchema(SchemaLocation.of(DialectId.DRAFT_2020_12));

    @TempDir
    Path tmp;

    private final Map<String, JsonNode> shown = new HashMap<>();

    /** schema show COMMAND, once per command. */
    private JsonNode show(Daemon d, String command) {
        return shown.computeIfAbsent(command, c -> {
            List<String> args = new ArrayList<>(List.of("schema", "show"));
            args.addAll(List.of(c.split(" ")));
            return d.json(args.toArray(String[]::new));
        });
    }

    private static void valid(JsonNode schema, JsonNode instance, String what) {
        assertThat(schema.isObject()).as(what + ": no schema").isTrue();
        List<Error> errors = FACTORY.getSchema(schema).validate(instance);
        assertThat(errors).as(what + ": " + instance).isEmpty();
    }

    private static List<Error> errors(JsonNode schema, JsonNode instance) {
        return FACTORY.getSchema(schema).validate(instance);
    }

    /** The one JSON object a command printed, valid against its output schema. */
    private JsonNode output(Daemon d, String command, Result r) {
        JsonNode value = parse(r.out().strip());
        valid(show(d, command).get("output"), value, command);
        return value;
    }

    /** Runs the command (exit 0) and checks its output. */
    private JsonNode check(Daemon d, String command, String... args) {
        Result r = d.bgrun(args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return output(d, command, r);
    }

    /** NDJSON lines: every one matches the stream's items but the last, which matches its result when it has one. */
    private List<JsonNode> stream(Daemon d, String command, Result r) {
        JsonNode stream = show(d, command).get("stream");
        List<JsonNode> lines = r.out().lines().filter(l -> !l.isBlank()).map(SchemaIT::parse).toList();
        boolean result = !stream.get("result").isNull();
        for (int i = 0; i < lines.size(); i++) {
            boolean last = i == lines.size() - 1;
            valid(last && result ? stream.get("result") : stream.get("items"), lines.get(i), command + " line " + (i + 1));
        }
        return lines;
    }

    /** A failure's stderr, valid against the error envelope; returns the error. */
    private JsonNode error(Daemon d, String command, Result r, int exitCode, String type) {
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(exitCode);
        assertThat(r.out()).isEmpty();
        JsonNode envelope = parse(r.err().strip());
        valid(show(d, command).get("error"), envelope, command + " error");
        assertThat(envelope.at("/error/type").asText()).isEqualTo(type);
        return envelope.get("error");
    }

    private static JsonNode parse(String text) {
        try {
            return Daemon.JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(text, e);
        }
    }

    @Test
    void everyCommandHasSchemasThatAreValidSchemas() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            JsonNode list = check(d, "schema list", "schema", "list", "--json");
            List<String> names = new ArrayList<>();
            list.get("commands").forEach(c -> names.add(c.get("name").asText()));
            assertThat(names).contains("run", "list", "status", "tail", "wait", "stop", "kill", "restart", "clean",
                    "run-group", "up", "down", "exec", "events", "expect", "stats", "daemon status", "daemon stop",
                    "config check", "config show", "config graph", "schema list", "schema show");
            assertThat(names).doesNotContain("config", "daemon", "schema", "ls");
            for (String name : names) {
                JsonNode schema = show(d, name);
                output(d, "schema show", new Result(0, schema.toString(), ""));
                assertThat(schema.get("command").asText()).isEqualTo(name);
                // A command added to the CLI must get its output described in OutputSchemas.
                assertThat(schema.get("note") == null ? "" : schema.get("note").asText()).as(name).isNotEqualTo("not described yet");
                assertThat(schema.get("output").isObject() || schema.has("stream") || schema.has("note")).as(name).isTrue();
                List<JsonNode> documents = new ArrayList<>(List.of(schema.get("input"), schema.get("error")));
                if (schema.get("output").isObject()) {
                    documents.add(schema.get("output"));
                }
                if (schema.has("stream")) {
                    documents.add(schema.at("/stream/items"));
                    if (!schema.at("/stream/result").isNull()) {
                        documents.add(schema.at("/stream/result"));
                    }
                }
                for (JsonNode document : documents) {
                    assertThat(document.get("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
                    assertThat(META.validate(document)).as(name + ": " + document).isEmpty();
                }
            }

            JsonNode tail = show(d, "tail");
            assertThat(tail.at("/input/properties/lines/default").asInt()).isEqualTo(20);
            assertThat(tail.at("/input/properties/lines/x-bgrun-flags").toString()).isEqualTo("[\"-l\",\"--lines\"]");
            assertThat(tail.at("/input/required").toString()).isEqualTo("[\"job\"]");
            assertThat(tail.at("/stream/when").asText()).isEqualTo("--follow");
            assertThat(show(d, "config graph").at("/input/properties/format/enum").toString())
                    .isEqualTo("[\"text\",\"json\",\"dot\",\"mermaid\"]");
            assertThat(show(d, "run").at("/input/properties/backoff-ms/x-bgrun-spec-key").asText()).isEqualTo("backoff-ms");
            assertThat(d.json("schema", "show", "ls").get("command").asText()).isEqualTo("list");
            assertThat(d.json("schema", "show", "config check").get("command").asText()).isEqualTo("config check");
            assertThat(d.bgrun("schema", "show", "tail", "--no-json").out()).contains("\"command\" : \"tail\"");

            JsonNode unknown = error(d, "schema show", d.bgrun("schema", "show", "confg", "check", "--json"), 2, "UsageError");
            assertThat(unknown.at("/details/hint").asText()).startsWith("did you mean \"config check\"?");
            assertThat(unknown.at("/details/command").asText()).isEqualTo("confg check");
            error(d, "schema show", d.bgrun("schema", "show", "config", "--json"), 2, "UsageError");

            // No daemon has been started by any of this.
            check(d, "daemon status", "daemon", "status");
            check(d, "daemon stop", "daemon", "stop");
        }
    }

    @Test
    void whatTheCommandsPrintMatchesTheirSchemas() throws Exception {
        try (Daemon d = new Daemon(tmp)) {
            BgrunProcess.project(d.work, """
                    workspace = "sch"

                    [jobs.db]
                    cmd = "echo 'db: up'; exec sleep 600"
                    ready-when = "db: up"
                    allocate-port = "DB_PORT"
                    tags = ["infra"]

                    [jobs.seed]
                    cmd = "echo seeded"
                    oneshot = true
                    after = ["db"]
                    """);
            check(d, "config check", "config", "check");
            check(d, "config show", "config", "show");
            check(d, "config show", "config", "show", "--show-env", "db");
            check(d, "config graph", "config", "graph");

            check(d, "run-group", "run-group", "--json");
            List<JsonNode> group = stream(d, "run-group", d.bgrun("run-group", "--json", "--stream"));
            assertThat(group.getFirst().get("type").asText()).isEqualTo("submitted");
            assertThat(group).extracting(l -> l.get("type").asText()).contains("transition");
            assertThat(group.getLast().get("ok").asBoolean()).isTrue();

            JsonNode ticker = d.run("--name", "ticker", "--tag", "t", "--", "sh -c 'echo hello; echo BGRUN_NOTIFY: ping >&2; exec sleep 600'");
            valid(show(d, "run").get("output"), ticker, "run");
            check(d, "wait", "wait", "ticker");
            JsonNode matched = check(d, "expect", "expect", "ticker", "--from-start", "ping");
            assertThat(matched.get("matched").asBoolean()).isTrue();
            Result timedOut = d.bgrun("expect", "ticker", "nothing like it", "-t", "200ms");
            assertThat(timedOut.exitCode()).as(timedOut.toString()).isEqualTo(124);
            assertThat(output(d, "expect", timedOut).get("timed_out").asBoolean()).isTrue();
            check(d, "status", "status", "ticker");
            check(d, "status", "status", "--show-env", "db");
            JsonNode tail = check(d, "tail", "tail", "ticker");
            assertThat(tail.get("lines")).hasSize(2);
            check(d, "stats", "stats", "ticker");
            check(d, "stats", "stats", "db");
            check(d, "tail", "tail", "ticker", "--digest");
            assertThat(check(d, "tail", "tail", "ticker", "--lines", "5").has("summary")).isFalse();
            assertThat(check(d, "tail", "tail", "ticker", "--lines", "1").has("summary")).isTrue();
            assertThat(check(d, "tail", "tail", "ticker", "--stream", "stderr").has("summary")).isFalse();
            assertThat(check(d, "tail", "tail", "ticker", "--stream", "stdout", "--lines", "0").get("summary").asText())
                    .contains("matching");
            JsonNode firstDiff = check(d, "diff", "diff", "ticker", "--lines", "1");
            assertThat(firstDiff.get("more").asBoolean()).isTrue();
            check(d, "diff", "diff", "ticker");
            check(d, "diff", "diff", "ticker", "--cursor", "0", "--level", "error");
            check(d, "screen", "screen", "ticker");
            d.run("--name", "reader", "--stdin", "--", "cat");
            check(d, "send", "send", "reader", "hi", "--enter");
            check(d, "send", "send", "reader", "--eof");
            d.run("--name", "alerting", "--alert", "failure", "--", "sh -c 'exit 3'");
            d.awaitState("alerting", "failed");
            await().atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> d.bgrun("events", "--type", "alert").out().contains("\"outcome\""));
            stream(d, "events", d.bgrun("events", "--type", "alert"));
            JsonNode doctor = check(d, "doctor", "doctor");
            assertThat(doctor.get("ok").asBoolean()).isTrue();
            check(d, "capabilities", "capabilities");
            check(d, "examples list", "examples", "list");
            check(d, "examples show", "examples", "show", "quickstart");
            check(d, "skill install", "skill", "install", tmp.resolve("skills").toString());

            List<JsonNode> events = stream(d, "events", d.bgrun("events"));
            assertThat(events).extracting(e -> e.has("type") ? e.get("type").asText() : "cursor")
                    .contains("transition", "notify").endsWith("cursor");
            stream(d, "events", d.bgrun("events", "--type", "notify", "--job", "ticker"));

            JsonNode signalled = check(d, "kill", "kill", "-s", "USR1", "ticker");
            assertThat(signalled.get("signal").asText()).isEqualTo("USR1");
            d.awaitState("ticker", "failed");
            JsonNode idle = check(d, "stats", "stats", "ticker");
            assertThat(idle.get("uptime_ms").isNull()).isTrue();
            Result ended = d.bgrun("wait", "ticker");
            assertThat(ended.exitCode()).as(ended.toString()).isEqualTo(1); // ended without becoming ready
            assertThat(output(d, "wait", ended).get("ready").asBoolean()).isFalse();
            // A job blocked by ticker's failure: its blocked_by is in list and status.
            JsonNode blocked = d.run("--name", "after-ticker", "--after", "ticker", "--", "true");
            valid(show(d, "run").get("output"), blocked, "run (after)");
            d.awaitState("after-ticker", "blocked");
            assertThat(check(d, "status", "status", "after-ticker").has("blocked_by")).isTrue();
            List<JsonNode> jobs = stream(d, "list", d.bgrun("list"));
            assertThat(jobs).hasSizeGreaterThanOrEqualTo(4);
            stream(d, "list", d.bgrun("list", "--show-env", "--tag", "infra"));
            check(d, "restart", "restart", "ticker");

            JsonNode shortJob = d.run("--name", "short", "--", "sh -c 'echo a; echo b >&2'");
            valid(show(d, "run").get("output"), shortJob, "run");
            List<JsonNode> followed = stream(d, "tail", d.bgrun("tail", "--follow", "short"));
            assertThat(followed).extracting(l -> l.get("content").asText()).containsExactly("a", "b");
            check(d, "stop", "stop", "ticker");
            assertThat(check(d, "kill", "kill", "short").get("killed")).isEmpty(); // ended: skipped
            assertThat(check(d, "clean", "clean", "--yes").get("removed")).isNotEmpty();
            check(d, "down", "down");
            check(d, "down", "down", "--clean");

            Path tasks = Files.createDirectories(tmp.resolve("tasks"));
            BgrunProcess.project(tasks, """
                    workspace = "tasks"

                    [jobs.build]
                    cmd = "echo built"
                    oneshot = true

                    [jobs.test]
                    cmd = "echo tested"
                    oneshot = true
                    after = ["build"]
                    """);
            Result up = d.bgrun("-f", tasks.resolve("bgrun.toml").toString(), "up", "--json");
            assertThat(up.exitCode()).as(up.toString()).isZero();
            List<JsonNode> items = stream(d, "up", up);
            assertThat(items).extracting(l -> l.get("type").asText()).contains("submitted", "transition", "line", "result");
            assertThat(items.getLast().get("type").asText()).isEqualTo("end");

            check(d, "daemon status", "daemon", "status");
            JsonNode notFound = error(d, "status", d.bgrun("status", "nosuch"), 1, "JobNotFound");
            assertThat(notFound.at("/details/retryable").asBoolean()).isFalse();
            error(d, "list", d.bgrun("list", "--state", "sleepy"), 2, "UsageError");
            check(d, "daemon stop", "daemon", "stop");
        }
    }

    @Test
    void theJobSpecSchemaAcceptsWhatRunAcceptsAndRejectsWhatItRejects() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            JsonNode specSchema = show(d, "run").at("/input/properties/spec/oneOf/0");
            assertThat(specSchema.get("additionalProperties").asBoolean()).isFalse();
            assertThat(specSchema.get("required").toString()).isEqualTo("[\"cmd\"]");

            // A spec of every key's example (oneshot aside: a oneshot job has no readiness rules or health checks).
            ObjectNode spec = Daemon.JSON.createObjectNode();
            specSchema.get("properties").properties().forEach(p -> {
                if (!p.getKey().equals("oneshot")) {
                    spec.set(p.getKey(), p.getValue().get("examples").get(0));
                }
            });
            assertThat(spec.size()).isGreaterThan(30);
            valid(specSchema, spec, "the examples");
            // Its after names db and migrate of workspace myapp: they must exist; it then waits for migrate.
            d.run("--name", "db", "--workspace", spec.get("workspace").asText(), "--", "exec sleep 600");
            d.run("--name", "migrate", "--workspace", spec.get("workspace").asText(), "--", "exec sleep 600");
            Files.createDirectories(d.work.resolve(spec.get("cwd").asText()));
            Files.writeString(d.work.resolve(".env"), "A=1\n");
            Result run = d.bgrun("run", "--json", "--spec", spec.toString());
            assertThat(run.exitCode()).as(run.toString()).isZero();
            JsonNode job = output(d, "run", run);
            assertThat(job.get("name").asText()).isEqualTo(spec.get("name").asText());
            assertThat(job.get("state").asText()).isEqualTo("waiting");

            for (String bad : List.of("{\"cmd\":\"sleep 1\",\"bogus\":1}", "{\"cmd\":\"sleep 1\",\"restart\":\"sometimes\"}",
                    "{\"cmd\":\"sleep 1\",\"tags\":\"x\"}")) {
                assertThat(errors(specSchema, parse(bad))).as(bad).isNotEmpty();
                JsonNode error = error(d, "run", d.bgrun("run", "--json", "--spec", bad), 2, "ConfigInvalid");
                assertThat(error.at("/details/problems")).as(bad).isNotEmpty();
            }
        }
    }
}
