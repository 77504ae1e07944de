package dev.bgrun.orchestrator.config;

import dev.bgrun.orchestrator.config.SpecKey.Origin;
import dev.bgrun.orchestrator.config.SpecKey.Trait;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static dev.bgrun.orchestrator.config.SpecKey.Origin.EXTENSION;
import static dev.bgrun.orchestrator.config.SpecKey.Origin.REFERENCE;
import static dev.bgrun.orchestrator.config.SpecKey.Trait.DEFAULTABLE;
import static dev.bgrun.orchestrator.config.SpecKey.Trait.HEALTH;
import static dev.bgrun.orchestrator.config.SpecKey.Trait.INTERPOLATED;
import static dev.bgrun.orchestrator.config.SpecKey.Trait.READINESS;
import static dev.bgrun.orchestrator.config.SpecKey.Trait.REQUIRED;

/**
 * The job spec: every key a {@code [jobs.NAME]} table, a {@code run --spec} JSON object or a {@code run}
 * flag can set. This list is the one source of truth; the loader, the CLI, {@code schema} and the docs
 * check are all driven by it.
 */
public final class JobKeys {
    private static final List<SpecKey<?>> ALL = new ArrayList<>();
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    // What runs
    public static final SpecKey<Command> CMD = def("cmd", KeyTypes.command(), null,
            "The command: a string runs through /bin/sh -c, an array is executed directly.",
            "[\"java\", \"Db.java\"]", REFERENCE, REQUIRED, INTERPOLATED);
    public static final SpecKey<String> DESCRIPTION = def("description", KeyTypes.string(), null,
            "What the job is, for people reading list and config output.",
            "\"the API server\"", EXTENSION);
    public static final SpecKey<List<String>> TAGS = defAliased("tags", KeyTypes.strings(false, null, "strings"), List.of(),
            "Labels to filter jobs by in list, stop and clean.",
            "[\"infra\", \"db\"]", EXTENSION, List.of("tag"), DEFAULTABLE);
    public static final SpecKey<String> WORKSPACE = def("workspace", KeyTypes.name(JobNames.WORKSPACE, JobNames.WORKSPACE_RULE), null,
            "The workspace the job belongs to; defaults to the file's top-level workspace.",
            "\"myapp\"", REFERENCE, DEFAULTABLE);
    public static final SpecKey<String> CWD = def("cwd", KeyTypes.nonEmptyString(), null,
            "Working directory, relative to the project file's directory (the default).",
            "\"services/api\"", REFERENCE, DEFAULTABLE);
    public static final SpecKey<Map<String, String>> ENV = def("env", KeyTypes.stringMap(), Map.of(),
            "Environment variables added to the job's environment; merged over those of [defaults].",
            "{ RUST_LOG = \"debug\", DB_URL = \"postgres://127.0.0.1:${db.PORT}/app\" }", REFERENCE, DEFAULTABLE,
            INTERPOLATED);
    public static final SpecKey<List<String>> ENV_FILE = def("env-file", KeyTypes.strings(true, null, "paths"), List.of(),
            "Files of KEY=VALUE lines loaded into the environment before env, relative to the project file.",
            "\".env\"", EXTENSION, DEFAULTABLE);
    public static final SpecKey<Boolean> STDIN = def("stdin", KeyTypes.bool(), false,
            "Keep the job's stdin open for send; otherwise it reads /dev/null.",
            "true", EXTENSION, DEFAULTABLE);
    public static final SpecKey<Boolean> PTY = def("pty", KeyTypes.bool(), false,
            "Run the job in a pseudo-terminal (for programs that behave differently on one).",
            "true", REFERENCE, DEFAULTABLE);
    public static final SpecKey<Integer> COLS = def("cols", KeyTypes.integer(1, 1000), 80,
            "PTY width in columns (only with pty = true).", "120", REFERENCE, DEFAULTABLE);
    public static final SpecKey<Integer> ROWS = def("rows", KeyTypes.integer(1, 1000), 24,
            "PTY height in rows (only with pty = true).", "40", REFERENCE, DEFAULTABLE);
    public static final SpecKey<List<String>> ALLOCATE_PORT = def("allocate-port", KeyTypes.strings(true, VARIABLE, "variable names"),
            List.of(), "Allocate a free TCP port for each variable name and set it in the job's environment.",
            "\"PORT\"", REFERENCE);

    // Order and kind
    public static final SpecKey<List<Dependency>> AFTER = def("after", KeyTypes.after(), List.of(),
            "Jobs this job waits for: a name, a list of names, or a table of name to condition "
                    + "(started, ready, completed, exited). The default condition is ready, or completed for a oneshot.",
            "{ db = \"ready\", migrate = \"completed\" }", REFERENCE);
    public static final SpecKey<Boolean> ONESHOT = def("oneshot", KeyTypes.bool(), false,
            "The job is a task expected to finish (a migration, a seed): its target is completed (exit 0), not ready.",
            "true", EXTENSION);

    // Readiness
    public static final SpecKey<String> READY_WHEN = def("ready-when", KeyTypes.nonEmptyString(), null,
            "Ready when a line of output contains this text.", "\"listening on\"", REFERENCE, INTERPOLATED, READINESS);
    public static final SpecKey<String> READY_WHEN_REGEX = def("ready-when-regex", KeyTypes.regex(), null,
            "Ready when this regular expression is found within a line of output.",
            "\"listening on :\\\\d+\"", REFERENCE, INTERPOLATED, READINESS);
    public static final SpecKey<String> READY_WHEN_PORT = def("ready-when-port", KeyTypes.port(), null,
            "Ready when this TCP port accepts connections on 127.0.0.1 or ::1.", "\"${PORT}\"", REFERENCE,
            INTERPOLATED, READINESS);
    public static final SpecKey<String> READY_WHEN_URL = def("ready-when-url", KeyTypes.url(), null,
            "Ready when a GET of this URL answers 2xx.", "\"http://127.0.0.1:${PORT}/health\"", REFERENCE,
            INTERPOLATED, READINESS);
    public static final SpecKey<List<Integer>> HTTP_OK_STATUS = def("http-ok-status", KeyTypes.integers(100, 599, "HTTP statuses"),
            List.of(), "HTTP statuses besides 2xx that count as an answer for ready-when-url and health-check-url.",
            "[401, 404]", EXTENSION, DEFAULTABLE);
    public static final SpecKey<String> READY_WHEN_FILE = def("ready-when-file", KeyTypes.nonEmptyString(), null,
            "Ready when this file exists (relative to the job's cwd).", "\"/tmp/app.ready\"", REFERENCE,
            INTERPOLATED, READINESS);
    public static final SpecKey<Command> READY_WHEN_CMD = def("ready-when-cmd", KeyTypes.command(), null,
            "Ready when this command exits 0 (run in the job's cwd and environment, retried until the deadline).",
            "\"pg_isready -p ${PORT}\"", EXTENSION, INTERPOLATED, READINESS);
    public static final SpecKey<Duration> READY_TIMEOUT = def("ready-timeout", KeyTypes.positiveDuration(null),
            Duration.ofSeconds(120), "How long the readiness rules have to hold before the job fails.",
            "\"30s\"", EXTENSION, DEFAULTABLE);

    // Restarts
    public static final SpecKey<RestartPolicy> RESTART = def("restart", KeyTypes.restartPolicy(), RestartPolicy.NEVER,
            "When to start the job again after it ends: never, on-failure, on-crash or always.",
            "\"on-failure\"", REFERENCE, DEFAULTABLE);
    public static final SpecKey<List<Integer>> SUCCESS_EXIT_CODES = def("success-exit-codes",
            KeyTypes.integers(0, 255, "exit codes"), List.of(0),
            "Exit codes that count as success: the job ends exited (not failed), a oneshot completes, and "
                    + "on-failure does not restart it.", "[0, 3]", EXTENSION, DEFAULTABLE);
    public static final SpecKey<Integer> MAX_RESTARTS = def("max-restarts", KeyTypes.integer(0, Integer.MAX_VALUE), null,
            "The most restarts before the job is left failed; unlimited when unset.", "5", EXTENSION, DEFAULTABLE);
    /**
     * The shortest restart delay, whatever backoff-ms and backoff-max-ms say: 0 would restart a crashing job
     * in a loop that spins a core (0 doubles to 0), for ever when max-restarts is unset.
     */
    public static final Duration BACKOFF_FLOOR = Duration.ofMillis(100);
    public static final SpecKey<Duration> BACKOFF_MS = defAliased("backoff-ms", KeyTypes.duration(ChronoUnit.MILLIS),
            Duration.ofSeconds(2), "The first restart delay (at least 100 ms); it doubles on each restart up to backoff-max-ms.",
            "500", REFERENCE, List.of("backoff"), DEFAULTABLE);
    public static final SpecKey<Duration> BACKOFF_MAX_MS = def("backoff-max-ms", KeyTypes.duration(ChronoUnit.MILLIS),
            Duration.ofSeconds(60), "The cap on the restart delay (at least 100 ms).", "\"30s\"", EXTENSION, DEFAULTABLE);

    // Limits
    public static final SpecKey<Integer> MAX_RSS_MB = defAliased("max-rss-mb", KeyTypes.integer(1, Integer.MAX_VALUE), null,
            "Fail the job when the resident memory of its whole process tree exceeds this many MiB.", "512",
            REFERENCE, List.of("max-rss"), DEFAULTABLE);
    public static final SpecKey<Duration> MAX_RUNTIME_MS = defAliased("max-runtime-ms", KeyTypes.duration(ChronoUnit.MILLIS), null,
            "Fail the job when it has run this long.", "\"10m\"", REFERENCE, List.of("max-runtime"), DEFAULTABLE);

    // Health
    public static final SpecKey<String> HEALTH_CHECK_URL = def("health-check-url", KeyTypes.url(), null,
            "After ready, GET this URL every interval; a non-2xx answer is a failed check.",
            "\"http://127.0.0.1:${PORT}/health\"", REFERENCE, INTERPOLATED, HEALTH);
    public static final SpecKey<String> HEALTH_CHECK_PORT = def("health-check-port", KeyTypes.port(), null,
            "After ready, connect to this TCP port every interval; a refused connection is a failed check.",
            "\"${PORT}\"", REFERENCE, INTERPOLATED, HEALTH);
    public static final SpecKey<Command> HEALTH_CHECK_CMD = def("health-check-cmd", KeyTypes.command(), null,
            "After ready, run this command every interval; a non-zero exit is a failed check.",
            "\"redis-cli -p ${PORT} ping\"", EXTENSION, INTERPOLATED, HEALTH);
    public static final SpecKey<Duration> HEALTH_INTERVAL_SECS = defAliased("health-interval-secs",
            KeyTypes.positiveDuration(ChronoUnit.SECONDS), Duration.ofSeconds(10), "Time between health checks.", "5",
            REFERENCE, List.of("health-interval"), DEFAULTABLE);
    public static final SpecKey<Integer> HEALTH_THRESHOLD = def("health-threshold", KeyTypes.integer(1, 1000), 3,
            "Consecutive failed health checks that fail the job.", "3", REFERENCE, DEFAULTABLE);

    // Logs and alerts
    public static final SpecKey<Integer> LOG_MAX_SIZE_MB = def("log-max-size-mb", KeyTypes.integer(1, 1 << 20), 64,
            "Rotate a log file (stdout or stderr) when it passes this many MiB.", "16", EXTENSION, DEFAULTABLE);
    public static final SpecKey<Integer> LOG_MAX_FILES = def("log-max-files", KeyTypes.integer(0, 1000), 3,
            "Rotated files kept per stream; older output is dropped (line numbers go on).", "5", EXTENSION, DEFAULTABLE);
    public static final SpecKey<List<String>> ALERT = def("alert", KeyTypes.strings(false,
                    Pattern.compile("failure|success|stop"), "outcomes (failure, success, stop)"), List.of(),
            "Raise an alert event when the job ends this way: failure, success (exit 0) or stop.",
            "[\"failure\"]", EXTENSION, DEFAULTABLE);

    // Stopping
    public static final SpecKey<String> STOP_SIGNAL = def("stop-signal", KeyTypes.signal(), "TERM",
            "The signal sent to the job's process group to stop it.", "\"INT\"", EXTENSION, DEFAULTABLE);
    public static final SpecKey<Duration> STOP_TIMEOUT = def("stop-timeout", KeyTypes.duration(null),
            Duration.ofSeconds(5), "How long to wait after stop-signal before KILL.", "\"10s\"", EXTENSION, DEFAULTABLE);

    private static final Map<String, SpecKey<?>> BY_NAME = new LinkedHashMap<>();
    /** The keys of each trait, listed once: every job of a file asks for them. */
    private static final Map<Trait, List<SpecKey<?>>> BY_TRAIT = new EnumMap<>(Trait.class);

    static {
        for (SpecKey<?> key : ALL) {
            BY_NAME.put(key.name(), key);
        }
        for (Trait trait : Trait.values()) {
            List<SpecKey<?>> keys = new ArrayList<>();
            for (SpecKey<?> key : ALL) {
                if (key.has(trait)) {
                    keys.add(key);
                }
            }
            BY_TRAIT.put(trait, List.copyOf(keys));
        }
    }

    private JobKeys() {
    }

    /** Every key, in documentation order. */
    public static List<SpecKey<?>> all() {
        return Collections.unmodifiableList(ALL);
    }

    /** The keys with that trait, in documentation order. */
    public static List<SpecKey<?>> withTrait(Trait trait) {
        return BY_TRAIT.get(trait);
    }

    /** The key of that name, or null. */
    public static SpecKey<?> byName(String name) {
        return BY_NAME.get(name);
    }

    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    private static <T> SpecKey<T> def(String name, KeyType<T> type, T defaultValue, String summary, String example,
                                      Origin origin, Trait... traits) {
        return defAliased(name, type, defaultValue, summary, example, origin, List.of(), traits);
    }

    private static <T> SpecKey<T> defAliased(String name, KeyType<T> type, T defaultValue, String summary,
                                             String example, Origin origin, List<String> aliases, Trait... traits) {
        SpecKey<T> key = new SpecKey<>(name, type, defaultValue, summary, example, origin, List.of(traits), aliases);
        ALL.add(key);
        return key;
    }
}
