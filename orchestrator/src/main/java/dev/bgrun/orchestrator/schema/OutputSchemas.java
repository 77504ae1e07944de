package dev.bgrun.orchestrator.schema;

import dev.bgrun.orchestrator.config.Condition;
import dev.bgrun.orchestrator.config.JobKeys;
import dev.bgrun.orchestrator.config.JobNames;
import dev.bgrun.orchestrator.error.ErrorType;
import dev.bgrun.orchestrator.events.EventLog;
import dev.bgrun.orchestrator.job.JobState;
import dev.bgrun.orchestrator.logs.LogStore;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.bgrun.orchestrator.schema.Schemas.arrayOf;
import static dev.bgrun.orchestrator.schema.Schemas.bool;
import static dev.bgrun.orchestrator.schema.Schemas.constant;
import static dev.bgrun.orchestrator.schema.Schemas.instant;
import static dev.bgrun.orchestrator.schema.Schemas.integer;
import static dev.bgrun.orchestrator.schema.Schemas.mapOf;
import static dev.bgrun.orchestrator.schema.Schemas.nullable;
import static dev.bgrun.orchestrator.schema.Schemas.number;
import static dev.bgrun.orchestrator.schema.Schemas.object;
import static dev.bgrun.orchestrator.schema.Schemas.oneOf;
import static dev.bgrun.orchestrator.schema.Schemas.oneOfValues;
import static dev.bgrun.orchestrator.schema.Schemas.string;

/**
 * The JSON every command prints on stdout in JSON mode, and the error envelope on stderr, as JSON Schema
 * (draft 2020-12). This is the one place these shapes are written down: one method per command, built from
 * shared pieces (a job's fields, a log line, a transition) so that an object printed by several commands is
 * described once. Enumerations come from the code's own models ({@link JobState}, {@link ErrorType},
 * {@link EventLog#TYPES}, {@link Condition}, {@link LogStore#streams()}); objects are closed
 * ({@code additionalProperties: false}), so a field added in code and not here fails the schema tests.
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

    private static final Map<String, CommandOutput> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("run", run());
        COMMANDS.put("run-group", runGroup());
        COMMANDS.put("up", up());
        COMMANDS.put("down", down());
        COMMANDS.put("exec", exec());
        COMMANDS.put("list", list());
        COMMANDS.put("status", status());
        COMMANDS.put("tail", tail());
        COMMANDS.put("diff", diff());
        COMMANDS.put("screen", screen());
        COMMANDS.put("send", send());
        COMMANDS.put("wait", await());
        COMMANDS.put("stop", stop());
        COMMANDS.put("kill", kill());
        COMMANDS.put("restart", restart());
        COMMANDS.put("clean", clean());
        COMMANDS.put("stats", stats());
        COMMANDS.put("expect", expect());
        COMMANDS.put("events", events());
        COMMANDS.put("daemon status", daemonStatus());
        COMMANDS.put("daemon stop", daemonStop());
        COMMANDS.put("config check", configCheck());
        COMMANDS.put("config show", configShow());
        COMMANDS.put("config graph", configGraph());
        COMMANDS.put("completions", text("a shell completion script"));
        COMMANDS.put("help", text("help text"));
        COMMANDS.put("mcp", text("the Model Context Protocol's JSON-RPC messages (each tool's answer is the JSON of the "
                + "command it runs; see that command's schema); with --print-config, the mcpServers JSON snippet"));
        COMMANDS.put("doctor", doctor());
        COMMANDS.put("capabilities", capabilities());
        COMMANDS.put("examples list", examplesList());
        COMMANDS.put("examples show", examplesShow());
        COMMANDS.put("skill install", skillInstall());
        COMMANDS.put("schema list", schemaList());
        COMMANDS.put("schema show", schemaShow());
    }

    private OutputSchemas() {
    }

    /** Every command described, by its name as typed ({@code "config check"}), in documentation order. */
    public static Map<String, CommandOutput> all() {
        return Collections.unmodifiableMap(COMMANDS);
    }

    /** The output of this command, or null if it is not described. */
    public static CommandOutput of(String command) {
        return COMMANDS.get(command);
    }

    // ---- the commands -------------------------------------------------------------------------------------

    static CommandOutput run() {
        return json("The job (its fields as list prints them) and whether an alive job of the same name was returned instead.",
                jobFields().req("reused", bool(), "whether an alive job of the same name was returned instead of starting one"));
    }

    static CommandOutput list() {
        return new CommandOutput(null, new Stream("always", document("bgrun list: one job",
                "One line per job, oldest first; nothing at all when no job matches.", jobFields().build()), null), null);
    }

    static CommandOutput status() {
        return json("One job: its fields, its log files and its latest transitions (up to 50, oldest first).",
                jobFields()
                        .req("log", object()
                                .req("stdout", string(), "path of the stdout log file")
                                .req("stderr", string(), "path of the stderr log file")
                                .req("lines", integer(0), "lines indexed so far, both streams together").build())
                        .req("transitions", arrayOf(jobTransition().build()))
                        .req("last_diff_cursor", integer(0), "the default diff cursor: the last line a plain `diff` looked at (0 before any)"));
    }

    static CommandOutput tail() {
        Map<String, Object> lines = object()
                .req("lines", arrayOf(logLine().build()))
                .req("total_lines", integer(0), "lines indexed so far")
                .req("first_line", integer(1), "the first line still kept (earlier ones were rotated away)")
                .req("shown", integer(0), "how many lines are in lines")
                .req("truncated", bool(), "more lines were considered than shown")
                .opt("summary", string(), "when truncated: what was shown of how many, and where the full log is")
                .req("artifact", artifact(), "the full log")
                .build();
        Map<String, Object> digest = object()
                .req("lines", integer(0), "lines looked at (after the stream filter)")
                .req("errors", integer(0))
                .req("warnings", integer(0))
                .req("first_line", nullable(logLine().build()))
                .req("last_error", nullable(logLine().build()))
                .req("last_warning", nullable(logLine().build()))
                .req("last_line", nullable(logLine().build()))
                .req("total_lines", integer(0))
                .req("artifact", artifact())
                .build();
        return new CommandOutput(
                document("bgrun tail", "The last lines of the job's output (both streams, in line order), or with --digest a summary.",
                        oneOf(List.of(lines, digest))),
                new Stream("--follow", document("bgrun tail --follow: one line",
                        "The last lines, then each new line as it is indexed, until the job has ended (with --keep, until "
                                + "interrupted); no closing line.", logLine().build()), null),
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

    static CommandOutput diff() {
        return json("The lines after the cursor, and the cursor to pass next time (kept by the daemon under cursor_name).", object()
                .req("cursor", integer(0), "the last line looked at: the next diff starts after it")
                .req("lines", arrayOf(logLine().build()))
                .req("more", bool(), "lines after the cursor were left for the next diff (--lines was reached)")
                .req("missed", integer(0), "lines after the caller's cursor that had been rotated away")
                .req("reset", bool(), "the cursor was past the end of this log (another job's), so the diff started over")
                .req("total_lines", integer(0))
                .req("cursor_name", nullable(string()), "the daemon-kept cursor moved; null with --cursor")
                .opt("summary", string(), "when more: how many lines are left")
                .opt("artifact", artifact(), "when more: the full log")
                .req("state", state()));
    }

    static CommandOutput screen() {
        return json("The most recent lines, from the daemon's memory while the job runs and for 5 minutes after.", object()
                .req("lines", arrayOf(logLine().build()))
                .req("source", oneOfValues(List.of("memory", "disk")), "disk after a daemon restart, or long after the end")
                .req("state", state())
                .req("total_lines", integer(0)));
    }

    static CommandOutput send() {
        return json("What was written to the job's stdin.", object()
                .req("ok", constant(true))
                .req("bytes", integer(0))
                .req("eof", bool(), "the job's stdin was closed after"));
    }

    static CommandOutput await() {
        return json("Whether the job became ready before it ended or the timeout passed (exit 0, 1 or 124).", object()
                .req("ready", bool(), "state ready, or exited for a oneshot job")
                .req("timed_out", bool(), "the wait ran out of time with the job still alive")
                .req("state", state())
                .req("reason", string())
                .req("exit_code", nullable(integer()))
                .req("elapsed_ms", integer(0))
                .req("id", jobId())
                .req("name", string()));
    }

    static CommandOutput stop() {
        return json("The jobs this call stopped.", object().req("stopped", arrayOf(jobId())));
    }

    static CommandOutput kill() {
        return json("The jobs stopped, or with -s the jobs signalled and the signal.", object()
                .req("killed", arrayOf(jobId()))
                .opt("signal", string(), "only with -s: the signal sent"));
    }

    static CommandOutput restart() {
        return json("The job, once its next incarnation is spawned (or waiting, for a job with after); restarts of one "
                + "job run one after another.", jobFields()
                .req("previous_incarnation", integer(0), "the incarnation current when this restart was handled")
                .req("stopped_previous", bool(), "whether that incarnation was alive and this restart stopped it"));
    }

    static CommandOutput clean() {
        return json("The jobs removed.", object().req("removed", arrayOf(jobId())));
    }

    static CommandOutput down() {
        return json("The jobs stopped and, with --clean, removed.", object()
                .req("stopped", arrayOf(jobId()))
                .opt("removed", arrayOf(jobId()), "only with --clean"));
    }

    static CommandOutput stats() {
        return json("One reading of the job's process tree; zeros (and uptime_ms null) when it is not running.", object()
                .req("id", jobId())
                .req("name", string())
                .req("state", state())
                .req("pid", nullable(integer()))
                .req("uptime_ms", nullable(integer(0)), "of the current incarnation; null when not running")
                .req("cpu_percent", number(), "over a 250 ms sample; 100 is one core")
                .req("cpu_seconds", number(), "CPU time used so far")
                .req("rss_bytes", integer(0), "resident memory of the whole tree")
                .req("threads", integer(0))
                .req("processes", integer(0))
                .req("ports", arrayOf(port()), "TCP ports listened on")
                .req("listening", arrayOf(object()
                        .req("protocol", oneOfValues(List.of("tcp", "tcp6")))
                        .req("address", string())
                        .req("port", port()).build()))
                .req("cpu_pct", number(), "the reference tool's name for cpu_percent")
                .req("rss_mb", integer(0), "rss_bytes in MiB, rounded (the reference tool's field)")
                .req("uptime_secs", nullable(integer(0)), "uptime_ms in whole seconds (the reference tool's field)"));
    }

    static CommandOutput expect() {
        return json("Whether a line matched (exit 0), the job ended first (1) or the timeout passed (124).", object()
                .req("matched", bool())
                .req("timed_out", bool())
                .req("ended", bool(), "the job ended before a line matched")
                .req("line", nullable(logLine().build()), "the matching line")
                .req("line_number", nullable(integer(1)))
                .req("content", nullable(string()), "the matching line's content (the reference tool's field)")
                .req("elapsed_ms", integer(0))
                .req("id", jobId())
                .req("name", string())
                .req("state", state())
                .req("reason", string()));
    }

    static CommandOutput events() {
        return new CommandOutput(null, new Stream("always",
                document("bgrun events: one event", "Transitions and notifications after the cursor, in order; with "
                        + "--follow, a fell_behind record ends the stream (exit 1, Busy) when the client read too slowly.",
                        eventOrFellBehind()),
                document("bgrun events: the cursor", "The last line without --follow: pass it as --since next time.",
                        cursor().build())),
                null);
    }

    static CommandOutput runGroup() {
        return new CommandOutput(
                document("bgrun run-group", "The result, also when a job failed (exit 1) or on a timeout (exit 124).",
                        groupResult().build()),
                new Stream("--stream", document("bgrun run-group --stream: one item",
                        "First a submitted item, then each transition of a selected job; the result is the last line.",
                        oneOf(List.of(submitted().build(), groupTransition().build(), groupFellBehind().build()))),
                        document("bgrun run-group --stream: the result", null, groupResult().build())),
                null);
    }

    static CommandOutput up() {
        return new CommandOutput(null, new Stream("always",
                document("bgrun up: one item", "The submitted jobs, every transition and output line of the selected "
                                + "jobs, and the result once the stack is up (or could not come up).",
                        oneOf(List.of(submitted().build(), groupTransition().build(), groupLine().build(),
                                groupFellBehind().build(), groupResult().build()))),
                document("bgrun up: the end", "The last line, only when every job ended by itself.", object()
                        .req("type", constant("end"))
                        .req("jobs", arrayOf(groupJob().build()), "the final state of each job").build())),
                null);
    }

    static CommandOutput exec() {
        return text("the command's own output: exec prints nothing of its own on stdout");
    }

    static CommandOutput daemonStatus() {
        return json("The running daemon, or where it would be.", null, oneOf(List.of(daemonRunning().build(),
                daemonNotRunning().build())));
    }

    static CommandOutput daemonStop() {
        return json("The daemon stopping (its jobs keep running), or where it would be when none runs.", null,
                oneOf(List.of(object()
                        .req("stopping", constant(true))
                        .req("pid", integer())
                        .req("live_jobs", integer(0), "alive jobs, which keep running").build(),
                        daemonNotRunning().build())));
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

    /** A job's fields, as run, list, status and restart print them (Supervisor's Job.view). */
    static Schemas.Obj jobFields() {
        return object()
                .req("id", jobId())
                .req("name", string())
                .req("workspace", workspace())
                .req("state", state())
                .req("reason", string(), "the reason of its last transition")
                .req("cmd", JobKeys.CMD.type().jsonSchema(), "a string (run by /bin/sh -c) or an array (executed directly)")
                .req("pid", nullable(integer()), "null before it is spawned")
                .req("pgid", nullable(integer()))
                .req("incarnation", integer(0), "0 before the first start")
                .req("restart_count", integer(0))
                .req("exit_code", nullable(integer()))
                .req("signal", nullable(string()), "the signal name when exit_code is 129 to 159")
                .req("created_at", instant())
                .req("started_at", nullable(instant()))
                .req("ready_at", nullable(instant()))
                .req("ended_at", nullable(instant()))
                .req("ports", mapOf(port()), "allocate-port: variable to port")
                .opt("blocked_by", blockedBy().build(), "only for a blocked job: the root cause")
                .req("tags", arrayOf(string()))
                .req("cwd", string())
                .req("project", nullable(string()), "the project file the spec came from")
                .opt("env", mapOf(string()), "only with --show-env: the variables bgrun set");
    }

    /** The root cause of a block: the job whose end means a condition can never hold. */
    static Schemas.Obj blockedBy() {
        return object()
                .req("job", string())
                .req("id", jobId())
                .req("state", state())
                .req("reason", string())
                .req("exit_code", nullable(integer()));
    }

    /** One transition in a job's record (status). */
    static Schemas.Obj jobTransition() {
        return object()
                .req("at", instant())
                .req("from", nullable(state()), "null for the job's first transition")
                .req("to", state())
                .req("reason", string())
                .req("incarnation", integer(0));
    }

    /** One line of a job's output (LogLine.toJson). */
    static Schemas.Obj logLine() {
        return object()
                .req("line_number", integer(1), "one sequence for both streams and every incarnation")
                .req("stream", oneOfValues(LogStore.streams()))
                .req("timestamp", instant(), "when bgrun indexed the line")
                .req("incarnation", integer(0))
                .req("content", string(), "the line without its newline");
    }

    private static Map<String, Object> logFiles() {
        return object().req("stdout", string()).req("stderr", string()).build();
    }

    /** Where a job's full log is (LogStore.artifact). */
    private static Map<String, Object> artifact() {
        return object()
                .req("stdout", string(), "the live stdout file")
                .req("stdout_rotated", arrayOf(string()), "rotated stdout files, oldest first")
                .req("stderr", string())
                .req("stderr_rotated", arrayOf(string()))
                .req("size_bytes", integer(0), "bytes on disk, all files")
                .build();
    }

    /** One event of the event log; its type decides its fields. */
    static Map<String, Object> event() {
        Map<String, Schemas.Obj> byType = new LinkedHashMap<>();
        byType.put("transition", object()
                .req("from", nullable(state()), "null for a job's first transition")
                .req("to", state())
                .req("reason", string())
                .req("incarnation", integer(0)));
        byType.put("notify", object()
                .req("message", string(), "the text after BGRUN_NOTIFY:, trimmed")
                .req("stream", oneOfValues(LogStore.streams()))
                .req("line_number", integer(1))
                .req("incarnation", integer(0)));
        byType.put("health", object()
                .req("failures", integer(1), "failed checks in a row")
                .req("threshold", integer(1), "the job fails at this many")
                .req("failed", arrayOf(string()), "the probes that failed")
                .req("incarnation", integer(0)));
        byType.put("alert", object()
                .req("outcome", oneOfValues(List.of("failure", "success", "stop")))
                .req("state", state())
                .req("exit_code", nullable(integer()))
                .req("reason", string())
                .req("incarnation", integer(0))
                .req("last_lines", arrayOf(string()), "the job's last 5 lines"));
        if (!byType.keySet().equals(new java.util.LinkedHashSet<>(EventLog.TYPES))) {
            throw new IllegalStateException("event types " + EventLog.TYPES + " but shapes for " + byType.keySet());
        }
        return oneOf(EventLog.TYPES.stream().map(type -> object()
                .req("id", integer(1), "only grows, across daemon restarts too")
                .req("cursor", string(), "the id as a string, for --since")
                .req("at", instant())
                .req("type", constant(type))
                .req("job", string(), "the job's name")
                .req("job_id", jobId())
                .req("workspace", workspace())
                .all(byType.get(type)).build()).toList());
    }

    static Schemas.Obj cursor() {
        return object().req("cursor", Schemas.with(string(), "pattern", "^[0-9]+$"), "pass as --since to go on from here");
    }

    /** One job of a run_group answer (run-group, up, exec). */
    static Schemas.Obj groupJob() {
        return object()
                .req("id", jobId())
                .req("name", string())
                .req("workspace", workspace())
                .req("state", state())
                .req("reason", string())
                .req("target", oneOfValues(List.of(Condition.READY.keyword(), Condition.COMPLETED.keyword())),
                        "completed for a oneshot job")
                .req("reached", bool())
                .req("reached_ms", nullable(integer(0)), "since the command began; 0 for a job already there")
                .req("reused", bool(), "alive already, left as it was")
                .req("pid", nullable(integer()))
                .req("ports", mapOf(port()))
                .opt("blocked_by", blockedBy().build(), "only for a blocked job");
    }

    /** The result of a group: run-group's answer, up's result item, exec's error details. */
    static Schemas.Obj groupResult() {
        return object()
                .req("type", constant("result"))
                .req("ok", bool(), "every job reached its target")
                .req("detached", bool())
                .req("timed_out", bool())
                .req("elapsed_ms", integer(0))
                .req("jobs", arrayOf(groupJob().build()), "in start order")
                .opt("failure", object()
                        .req("job", string())
                        .req("id", jobId())
                        .req("state", state())
                        .req("reason", string())
                        .req("exit_code", nullable(integer()))
                        .req("last_lines", arrayOf(logLine().build()), "up to 10 lines of its current incarnation")
                        .req("total_lines", integer(0))
                        .req("log", logFiles()).build(), "only on failure: the job at the root of it")
                .opt("blocked", arrayOf(string()), "only on failure: the jobs it blocked")
                .opt("pending", arrayOf(string()), "only on a timeout: the jobs not there yet");
    }

    static Schemas.Obj submitted() {
        return object()
                .req("type", constant("submitted"))
                .req("jobs", arrayOf(groupJob().build()), "the jobs as soon as the daemon has them");
    }

    /** A transition of a group's job as a stream item (Transition.toJson plus elapsed_ms). */
    static Schemas.Obj groupTransition() {
        return object()
                .req("type", constant("transition"))
                .req("at", instant())
                .req("id", jobId())
                .req("job", string())
                .req("workspace", workspace())
                .req("from", nullable(state()), "null for the job's first transition in this run")
                .req("to", state())
                .req("reason", string())
                .req("incarnation", integer(0))
                .req("elapsed_ms", integer(0), "since the command began");
    }

    /** An item of bgrun events: one of the event shapes, or (last, with --follow) the fell_behind record. */
    private static Map<String, Object> eventOrFellBehind() {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> shapes = new ArrayList<>((List<Map<String, Object>>) event().get("oneOf"));
        shapes.add(eventsFellBehind().build());
        return oneOf(shapes);
    }

    /** The last record of an events --follow whose client fell further behind than the event log keeps in memory. */
    static Schemas.Obj eventsFellBehind() {
        return object()
                .req("type", constant("fell_behind"))
                .req("cursor", string(), "the cursor of the last event sent: resume with --since CURSOR")
                .req("kept", integer(1), "how many events the daemon keeps in memory for followers");
    }

    /** A group stream's client read so slowly that transitions left the event log's memory; the stream goes on. */
    static Schemas.Obj groupFellBehind() {
        return object()
                .req("type", constant("fell_behind"))
                .req("cursor", string(), "the event cursor after which transitions were not streamed: bgrun events --since CURSOR")
                .req("resumed_at", string(), "the event cursor the stream goes on after");
    }

    /** An output line of a group's job (up). */
    static Schemas.Obj groupLine() {
        return object()
                .req("type", constant("line"))
                .req("job", string())
                .req("id", jobId())
                .all(logLine());
    }

    private static Schemas.Obj daemonNotRunning() {
        return object()
                .req("running", constant(false))
                .req("root", string(), "the state root")
                .req("socket", string());
    }

    private static Schemas.Obj daemonRunning() {
        return object()
                .req("running", constant(true))
                .req("pid", integer())
                .req("version", nullable(string()))
                .req("protocol", integer(), "the protocol version")
                .req("started_at", instant())
                .req("uptime_ms", integer(0))
                .req("root", string(), "the state root")
                .req("socket", string())
                .req("log", string(), "the daemon's log file")
                .req("jobs", integer(0), "jobs it knows")
                .req("live_jobs", integer(0), "alive ones")
                .req("connections", integer(0), "other clients connected now (followers of tail, events, up)")
                .req("rss_bytes", integer(0), "its own resident memory")
                .req("heap_used_bytes", integer(0), "Java heap in use now")
                .req("heap_max_bytes", integer(0), "the heap's cap")
                .req("threads", integer(0), "its platform threads (virtual ones cost no OS thread)")
                .req("open_files", integer(), "its open file descriptors; -1 when unknown")
                .req("file_limit", integer(), "its limit of open files (ulimit -n); -1 when unknown or unlimited")
                .req("exits_watched_by_pidfd", integer(0), "shims watched with a pidfd; the others (beyond the file budget) are looked up in /proc once a second")
                .req("disk_free_bytes", integer(0), "free space on the state root's filesystem for this user")
                .req("deadlocked_threads", arrayOf(string()), "threads the JVM finds deadlocked; always empty in a healthy daemon");
    }

    private static Map<String, Object> state() {
        return oneOfValues(Arrays.stream(JobState.values()).map(JobState::keyword).toList());
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

    private static Map<String, Object> port() {
        Map<String, Object> m = integer(1);
        m.put("maximum", 65535);
        return m;
    }

    private static Map<String, Object> layers() {
        return Schemas.describe(arrayOf(arrayOf(jobName())), "start layers: each job waits only for jobs of earlier layers");
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
