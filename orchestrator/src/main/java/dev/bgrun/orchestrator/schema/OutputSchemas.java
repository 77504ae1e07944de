package dev.bgrun.orchestrator.schema;

import dev.bgrun.orchestrator.config.Condition;
import dev.bgrun.orchestrator.config.JobNames;
import dev.bgrun.orchestrator.error.ErrorType;
import dev.bgrun.orchestrator.events.EventLog;
import dev.bgrun.orchestrator.job.JobState;
import dev.bgrun.orchestrator.messages.DaemonAnswers;
import dev.bgrun.orchestrator.messages.DiffAnswer;
import dev.bgrun.orchestrator.messages.Event;
import dev.bgrun.orchestrator.messages.EventsFellBehind;
import dev.bgrun.orchestrator.messages.ExpectAnswer;
import dev.bgrun.orchestrator.messages.Group;
import dev.bgrun.orchestrator.messages.JobFields;
import dev.bgrun.orchestrator.messages.Killed;
import dev.bgrun.orchestrator.messages.Line;
import dev.bgrun.orchestrator.messages.Removed;
import dev.bgrun.orchestrator.messages.RestartAnswer;
import dev.bgrun.orchestrator.messages.RunAnswer;
import dev.bgrun.orchestrator.messages.ScreenAnswer;
import dev.bgrun.orchestrator.messages.SendAnswer;
import dev.bgrun.orchestrator.messages.Shape;
import dev.bgrun.orchestrator.messages.StatsAnswer;
import dev.bgrun.orchestrator.messages.StatusAnswer;
import dev.bgrun.orchestrator.messages.Stopped;
import dev.bgrun.orchestrator.messages.TailAnswer;
import dev.bgrun.orchestrator.messages.TailDigest;
import dev.bgrun.orchestrator.messages.WaitAnswer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import static dev.bgrun.orchestrator.schema.Schemas.arrayOf;
import static dev.bgrun.orchestrator.schema.Schemas.bool;
import static dev.bgrun.orchestrator.schema.Schemas.constant;
import static dev.bgrun.orchestrator.schema.Schemas.instant;
import static dev.bgrun.orchestrator.schema.Schemas.integer;
import static dev.bgrun.orchestrator.schema.Schemas.mapOf;
import static dev.bgrun.orchestrator.schema.Schemas.nullable;
import static dev.bgrun.orchestrator.schema.Schemas.object;
import static dev.bgrun.orchestrator.schema.Schemas.oneOf;
import static dev.bgrun.orchestrator.schema.Schemas.oneOfValues;
import static dev.bgrun.orchestrator.schema.Schemas.string;

/**
 * The JSON every command prints on stdout in JSON mode, and the error envelope on stderr, as JSON Schema
 * (draft 2020-12): one method per command. What the daemon answers is a record of
 * {@code dev.bgrun.orchestrator.messages}, and its schema is the one generated from that record at build time
 * ({@link MessageSchemas}, {@link Generated}); what the CLI builds itself (config, doctor, capabilities, ...) is
 * described here from shared pieces. Enumerations come from the code's own models ({@link JobState},
 * {@link ErrorType}, {@link EventLog#TYPES}, {@link Condition}); objects are closed
 * ({@code additionalProperties: false}), so a field added in code and not in its schema fails the schema tests.
 *
 * <p>The input side (options and arguments) is the CLI's: it is read from the picocli model, and {@code run
 * --spec} from {@link JobSpecSchema}.
 */
public final class OutputSchemas {
    /**
     * What one command prints on stdout in JSON mode.
     *
     * @param output the schema of the one JSON object it prints, or null (NDJSON only, or not JSON at all)
     * @param stream the NDJSON it prints (always, or with an option), or null
     * @param note   for a command whose stdout is not bgrun's JSON, what it is instead; else null
     */
    public record CommandOutput(Map<String, Object> output, Stream stream, String note) {
    }

    /**
     * NDJSON output: one JSON object per line.
     *
     * @param when   {@code "always"}, or the option that turns it on ({@code "--follow"})
     * @param items  the schema every line matches (but the last one, when there is a result)
     * @param result the schema of the last line, or null when there is no closing line
     */
    public record Stream(String when, Map<String, Object> items, Map<String, Object> result) {
    }

    /** How to build each command's output, in documentation order; built when asked for (schema show wants one). */
    private static final Map<String, Supplier<CommandOutput>> COMMANDS = new LinkedHashMap<>();
    private static final Map<String, CommandOutput> BUILT = new ConcurrentHashMap<>();

    static {
        // A command that prints the daemon's answer as it is: the schema generated from the answer's record.
        COMMANDS.put("run", () -> answer(RunAnswer.class));
        COMMANDS.put("run-group", OutputSchemas::runGroup);
        COMMANDS.put("up", OutputSchemas::up);
        COMMANDS.put("down", OutputSchemas::down);
        COMMANDS.put("exec", OutputSchemas::exec);
        COMMANDS.put("list", OutputSchemas::list);
        COMMANDS.put("status", () -> answer(StatusAnswer.class));
        COMMANDS.put("tail", OutputSchemas::tail);
        COMMANDS.put("diff", () -> answer(DiffAnswer.class));
        COMMANDS.put("screen", () -> answer(ScreenAnswer.class));
        COMMANDS.put("send", () -> answer(SendAnswer.class));
        COMMANDS.put("wait", () -> answer(WaitAnswer.class));
        COMMANDS.put("stop", () -> answer(Stopped.class));
        COMMANDS.put("kill", () -> answer(Killed.class));
        COMMANDS.put("restart", () -> answer(RestartAnswer.class));
        COMMANDS.put("clean", () -> answer(Removed.class));
        COMMANDS.put("stats", () -> answer(StatsAnswer.class));
        COMMANDS.put("expect", () -> answer(ExpectAnswer.class));
        COMMANDS.put("events", OutputSchemas::events);
        COMMANDS.put("daemon status", OutputSchemas::daemonStatus);
        COMMANDS.put("daemon stop", OutputSchemas::daemonStop);
        COMMANDS.put("config check", OutputSchemas::configCheck);
        COMMANDS.put("config show", OutputSchemas::configShow);
        COMMANDS.put("config graph", OutputSchemas::configGraph);
        COMMANDS.put("completions", () -> text("a shell completion script"));
        COMMANDS.put("help", () -> text("help text"));
        COMMANDS.put("mcp", () -> text("the Model Context Protocol's JSON-RPC messages (each tool's answer is the JSON of "
                + "the command it runs; see that command's schema); with --print-config, the mcpServers JSON snippet"));
        COMMANDS.put("doctor", OutputSchemas::doctor);
        COMMANDS.put("capabilities", OutputSchemas::capabilities);
        COMMANDS.put("examples list", OutputSchemas::examplesList);
        COMMANDS.put("examples show", OutputSchemas::examplesShow);
        COMMANDS.put("skill install", OutputSchemas::skillInstall);
        COMMANDS.put("schema list", OutputSchemas::schemaList);
        COMMANDS.put("schema show", OutputSchemas::schemaShow);
    }

    private OutputSchemas() {
    }

    /** Every command described, by its name as typed ({@code "config check"}), in documentation order. */
    public static Map<String, CommandOutput> all() {
        Map<String, CommandOutput> all = new LinkedHashMap<>();
        COMMANDS.keySet().forEach(command -> all.put(command, of(command)));
        return Collections.unmodifiableMap(all);
    }

    /** The output of this command, or null if it is not described. */
    public static CommandOutput of(String command) {
        Supplier<CommandOutput> output = COMMANDS.get(command);
        return output == null ? null : BUILT.computeIfAbsent(command, c -> output.get());
    }

    // ---- the commands -------------------------------------------------------------------------------------

    // The daemon's answers and items, composed: their schemas are generated from the records (see Generated).

    static CommandOutput list() {
        return new CommandOutput(null, new Stream("always", document("bgrun list: one job",
                "One line per job, oldest first; nothing at all when no job matches.", message(JobFields.class)), null), null);
    }

    static CommandOutput tail() {
        return new CommandOutput(
                document("bgrun tail", "The last lines of the job's output (both streams, in line order), or with --digest a summary.",
                        oneOf(List.of(message(TailAnswer.class), message(TailDigest.class)))),
                new Stream("--follow", document("bgrun tail --follow: one line",
                        "The last lines, then each new line as it is indexed, until the job has ended (with --keep, until "
                                + "interrupted); no closing line.", message(Line.class)), null),
                null);
    }

    static CommandOutput doctor() {
        return json("Each check with its status and, when not ok, a hint; exit 1 when one fails.", object()
                .req("ok", bool(), "no check failed (warnings allowed)")
                .req("checks", arrayOf(object()
                        .req("name", oneOfValues(List.of("java", "state-root", "daemon", "resources", "process-groups", "disk")))
                        .req("status", oneOfValues(List.of("ok", "warn", "fail")))
                        .req("detail", string())
                        .req("hint", nullable(string()))
                        .req("facts", object().open().build(), "what the check found (paths, sizes, pids)")
                        .build())));
    }

    static CommandOutput capabilities() {
        Map<String, Object> strings = arrayOf(string());
        return json("What this bgrun can do, read from its own code.", object()
                .req("name", constant("bgrun"))
                .req("version", string())
                .req("protocol", integer(1), "the daemon protocol version")
                .req("platform", object().req("os", string()).req("arch", string()).req("java", string()).build())
                .req("global_options", strings)
                .req("commands", arrayOf(object().open().req("name", string()).req("summary", string()).build()))
                .req("job_keys", arrayOf(object().open().req("name", string()).req("type", string()).build()))
                .req("readiness", strings)
                .req("health_checks", strings)
                .req("restart_policies", strings)
                .req("dependency_conditions", strings)
                .req("job_states", oneOfValuesArray(java.util.Arrays.stream(JobState.values()).map(JobState::keyword).toList()))
                .req("event_types", oneOfValuesArray(EventLog.TYPES))
                .req("exit_codes", arrayOf(object().req("code", oneOf(List.of(integer(0), constant("any"))), "\"any\": exec's own")
                        .req("meaning", string()).build()))
                .req("error_types", arrayOf(object().req("type", string()).req("exit_code", integer(0)).req("retryable", bool()).build()))
                .req("output_formats", arrayOf(object().open().req("name", string()).build())));
    }

    private static Map<String, Object> oneOfValuesArray(List<String> values) {
        return arrayOf(oneOfValues(values));
    }

    static CommandOutput examplesList() {
        return json("The worked examples by name.", object()
                .req("examples", arrayOf(object().req("name", string()).req("title", string()).build())));
    }

    static CommandOutput examplesShow() {
        return json("One example: its commands, the files it needs, and the text that explains it (Markdown).", object()
                .req("name", string())
                .req("title", string())
                .req("files", arrayOf(object().open().build()))
                .req("commands", arrayOf(string()))
                .req("text", string()));
    }

    static CommandOutput skillInstall() {
        return json("Where SKILL.md was written; written is false when it already held the same text.", object()
                .req("path", string())
                .req("written", bool()));
    }

    static CommandOutput down() {
        return json("The jobs stopped and, with --clean, removed.", object()
                .req("stopped", arrayOf(jobId()))
                .opt("removed", arrayOf(jobId()), "only with --clean"));
    }

    static CommandOutput events() {
        List<Map<String, Object>> items = new ArrayList<>();
        List<String> types = new ArrayList<>();
        for (Class<?> type : Event.class.getPermittedSubclasses()) {
            items.add(message(type.asSubclass(Record.class)));
            types.add(type.getAnnotation(Shape.Tagged.class).value());
        }
        if (!types.equals(EventLog.TYPES)) {
            throw new IllegalStateException("event types " + EventLog.TYPES + " but records for " + types);
        }
        items.add(message(EventsFellBehind.class));
        return new CommandOutput(null, new Stream("always",
                document("bgrun events: one event", "Transitions and notifications after the cursor, in order; with "
                        + "--follow, a fell_behind record ends the stream (exit 1, Busy) when the client read too slowly.",
                        oneOf(items)),
                document("bgrun events: the cursor", "The last line without --follow: pass it as --since next time.",
                        cursor().build())),
                null);
    }

    static CommandOutput runGroup() {
        return new CommandOutput(
                document("bgrun run-group", "The result, also when a job failed (exit 1) or on a timeout (exit 124).",
                        message(Group.Result.class)),
                new Stream("--stream", document("bgrun run-group --stream: one item",
                        "First a submitted item, then each transition of a selected job; the result is the last line.",
                        oneOf(List.of(message(Group.Submitted.class), message(Group.Transition.class),
                                message(Group.FellBehind.class)))),
                        document("bgrun run-group --stream: the result", null, message(Group.Result.class))),
                null);
    }

    static CommandOutput up() {
        return new CommandOutput(null, new Stream("always",
                document("bgrun up: one item", "The submitted jobs, every transition and output line of the selected "
                                + "jobs, and the result once the stack is up (or could not come up).",
                        oneOf(List.of(message(Group.Submitted.class), message(Group.Transition.class),
                                message(Group.OutputLine.class), message(Group.FellBehind.class), message(Group.Result.class)))),
                document("bgrun up: the end", "The last line, only when every job ended by itself.", message(Group.End.class))),
                null);
    }

    static CommandOutput exec() {
        return text("the command's own output: exec prints nothing of its own on stdout");
    }

    static CommandOutput daemonStatus() {
        return json("The running daemon, or where it would be.", null, oneOf(List.of(message(DaemonAnswers.Running.class),
                daemonNotRunning().build())));
    }

    static CommandOutput daemonStop() {
        return json("The daemon stopping (its jobs keep running), or where it would be when none runs.", null,
                oneOf(List.of(message(DaemonAnswers.Stopping.class), daemonNotRunning().build())));
    }

    /** What daemon status and daemon stop print when no daemon runs (the CLI's own answer, plain data). */
    private static Schemas.Obj daemonNotRunning() {
        return object()
                .req("running", constant(false))
                .req("root", string(), "the state root")
                .req("socket", string());
    }

    static CommandOutput configCheck() {
        return json("A valid project file (an invalid one is a ConfigInvalid error).", object()
                .req("valid", constant(true))
                .req("file", string(), "absolute path of the project file")
                .req("workspace", workspace())
                .req("jobs", arrayOf(jobName()), "job names in file order")
                .req("layers", layers()));
    }

    static CommandOutput configShow() {
        return json("The resolved spec of each job selected, in file order.", object()
                .req("file", string(), "absolute path of the project file")
                .req("workspace", workspace())
                .req("jobs", Schemas.with(mapOf(JobSpecSchema.resolved()), "propertyNames",
                        Schemas.with(string(), "pattern", "^" + JobNames.PATTERN + "$")), "job name to its resolved keys"));
    }

    static CommandOutput configGraph() {
        return json("The dependency graph (--format json, the default in JSON mode; text, dot and mermaid print text).",
                object()
                        .req("workspace", workspace())
                        .req("jobs", arrayOf(jobName()), "the selected jobs in file order")
                        .req("layers", layers())
                        .req("edges", arrayOf(object()
                                .req("from", jobName(), "the dependency")
                                .req("to", jobName(), "the dependent")
                                .req("condition", oneOfValues(Arrays.stream(Condition.values()).map(Condition::keyword).toList())).build())));
    }

    static CommandOutput schemaList() {
        return json("Every command schema show describes.", object()
                .req("commands", arrayOf(object()
                        .req("name", string(), "as typed: run, config check")
                        .req("description", string()).build())));
    }

    static CommandOutput schemaShow() {
        Map<String, Object> schema = Schemas.describe(Schemas.mapOf(Map.of()), "a JSON Schema (draft 2020-12)");
        return json("One command's input, output and error, as JSON Schema (draft 2020-12).", object()
                .req("command", string())
                .req("description", string())
                .req("input", schema, "the command's options and arguments as one object")
                .req("output", nullable(schema), "the one JSON object printed on stdout; null for NDJSON-only or text output")
                .opt("stream", object()
                        .req("when", string(), "always, or the option that turns NDJSON on")
                        .req("items", schema)
                        .req("result", nullable(schema), "the last line, or null when there is none").build(),
                        "the NDJSON lines the command prints")
                .opt("note", string(), "what stdout holds when it is not bgrun's JSON")
                .req("error", schema, "the error envelope printed on stderr"));
    }

    // ---- the error envelope -------------------------------------------------------------------------------

    /** The envelope every failure prints on stderr in JSON mode; types and retryability from {@link ErrorType}. */
    public static Map<String, Object> error() {
        List<String> retryable = Arrays.stream(ErrorType.values()).filter(ErrorType::retryable).map(Enum::name).toList();
        Map<String, Object> details = object().open()
                .opt("problems", arrayOf(problem().build()), "ConfigInvalid: every problem found")
                .req("hint", nullable(string()), "what to do about it")
                .req("retryable", bool(), "whether the same call may succeed if simply tried again")
                .description("facts that depend on the type, plus hint and retryable").build();
        Map<String, Object> envelope = new LinkedHashMap<>(object()
                .req("ok", constant(false))
                .req("error", object()
                        .req("type", oneOfValues(Arrays.stream(ErrorType.values()).map(Enum::name).toList()),
                                "the error type (a closed set); its exit code is fixed")
                        .req("message", string(), "what went wrong, in one sentence")
                        .req("details", details).build())
                .build());
        envelope.put("if", errorTypeIn(retryable));
        envelope.put("then", retryableIs(true));
        envelope.put("else", retryableIs(false));
        return document("bgrun error", "Printed on stderr, one line, when a command fails in JSON mode.", envelope);
    }

    private static Map<String, Object> errorTypeIn(List<String> types) {
        return Map.of("properties", Map.of("error", Map.of("properties", Map.of("type", oneOfValues(types)))));
    }

    private static Map<String, Object> retryableIs(boolean value) {
        return Map.of("properties", Map.of("error", Map.of("properties", Map.of("details",
                Map.of("properties", Map.of("retryable", constant(value)))))));
    }

    private static Schemas.Obj problem() {
        return object()
                .req("file", string())
                .req("line", nullable(integer(1)))
                .req("column", nullable(integer(1)))
                .req("key", string(), "dotted path of the key; empty for the whole document")
                .req("message", string())
                .req("suggestion", nullable(string()))
                .req("text", string(), "the one-line form");
    }

    // ---- shared shapes ------------------------------------------------------------------------------------

    static Schemas.Obj cursor() {
        return object().req("cursor", Schemas.with(string(), "pattern", "^[0-9]+$"), "pass as --since to go on from here");
    }

    private static Map<String, Object> jobId() {
        return Schemas.with(string(), "pattern", "^[0-9a-f]{10}$");
    }

    private static Map<String, Object> jobName() {
        return Schemas.with(string(), "pattern", "^" + JobNames.PATTERN + "$");
    }

    private static Map<String, Object> workspace() {
        return Schemas.with(string(), "pattern", "^" + JobNames.WORKSPACE.pattern() + "$");
    }

    private static Map<String, Object> layers() {
        return Schemas.describe(arrayOf(arrayOf(jobName())), "start layers: each job waits only for jobs of earlier layers");
    }

    /** A command that prints one daemon answer as it is: the record's schema, its description from the record. */
    private static CommandOutput answer(Class<? extends Record> type) {
        return new CommandOutput(document(null, null, message(type)), null, null);
    }

    /** The schema generated from a message record at build time (shared: not to be changed). */
    public static Map<String, Object> message(Class<? extends Record> type) {
        return MessageSchemas.of(type);
    }

    // ---- building -----------------------------------------------------------------------------------------

    private static CommandOutput json(String description, Schemas.Obj object) {
        return json(description, null, object.build());
    }

    private static CommandOutput json(String description, String title, Map<String, Object> schema) {
        return new CommandOutput(document(title, description, schema), null, null);
    }

    private static CommandOutput text(String what) {
        return new CommandOutput(null, null, "text: " + what);
    }

    /** A schema as a document of its own; the title is filled in by {@link #document(String, CommandOutput)}. */
    private static Map<String, Object> document(String title, String description, Map<String, Object> schema) {
        return Schemas.document(title, description, schema);
    }

    /** The command's output as plain data for {@code schema show}: output, stream, note; titles filled in. */
    public static Map<String, Object> describe(String command, CommandOutput out) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> output = out.output();
        if (output != null && output.get("title") == null) {
            output = new LinkedHashMap<>(output);
            output.put("title", "bgrun " + command);
        }
        m.put("output", output);
        if (out.stream() != null) {
            Map<String, Object> stream = new LinkedHashMap<>();
            stream.put("when", out.stream().when());
            stream.put("items", out.stream().items());
            stream.put("result", out.stream().result());
            m.put("stream", stream);
        }
        if (out.note() != null) {
            m.put("note", out.note());
        }
        return m;
    }
}
