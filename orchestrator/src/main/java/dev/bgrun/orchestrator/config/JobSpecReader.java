package dev.bgrun.orchestrator.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one job's table (from TOML or JSON alike) into a {@link JobSpec}, reporting every unknown key, bad
 * value and contradiction it finds. Checks that need the other jobs are {@link ProjectValidator}'s.
 */
public final class JobSpecReader {
    private final Problems problems;

    public JobSpecReader(Problems problems) {
        this.problems = problems;
    }

    /** Reads the {@code [defaults]} table: any key marked {@link SpecKey.Trait#DEFAULTABLE}. */
    public Map<SpecKey<?>, Object> readDefaults(RawTable table) {
        Map<SpecKey<?>, Object> values = new LinkedHashMap<>();
        for (String name : table.keys()) {
            SpecKey<?> key = known(table, name);
            if (key == null) {
                continue;
            }
            if (!key.has(SpecKey.Trait.DEFAULTABLE)) {
                problems.add(table.get(name).position(), table.pathOf(name),
                        "\"" + name + "\" cannot be set in [defaults]; set it on each job");
                continue;
            }
            readValue(table, name, key, values);
        }
        return values;
    }

    /**
     * Reads a job's table over the given defaults. A table with problems still yields a spec of the values
     * that could be read, so that checks across jobs (such as {@code after} targets) still run on it.
     */
    public JobSpec read(String jobName, RawTable table, Map<SpecKey<?>, Object> defaults) {
        int before = problems.size();
        Map<SpecKey<?>, Object> values = new LinkedHashMap<>();
        Map<SpecKey<?>, JobSpec.Source> sources = new LinkedHashMap<>();
        defaults.forEach((key, value) -> {
            values.put(key, value);
            sources.put(key, JobSpec.Source.DEFAULTS);
        });
        for (String name : table.keys()) {
            SpecKey<?> key = known(table, name);
            if (key != null && readValue(table, name, key, values)) {
                sources.put(key, JobSpec.Source.JOB);
            }
        }
        mergeEnv(defaults, table, values);
        for (SpecKey<?> key : JobKeys.withTrait(SpecKey.Trait.REQUIRED)) {
            if (!table.has(key.name())) {
                problems.add(table.position(), table.path(), "missing required key \"" + key.name() + "\"");
            }
        }
        JobSpec spec = JobSpec.owning(jobName, table.position(), values, sources);
        if (problems.size() == before) {
            // On a partly read spec, missing values would look like contradictions that are not there.
            checkContradictions(spec, table);
        }
        return spec;
    }

    /** The job's env is laid over the env of [defaults] rather than replacing it. */
    @SuppressWarnings("unchecked")
    private static void mergeEnv(Map<SpecKey<?>, Object> defaults, RawTable table, Map<SpecKey<?>, Object> values) {
        Map<String, String> base = (Map<String, String>) defaults.get(JobKeys.ENV);
        Map<String, String> own = (Map<String, String>) values.get(JobKeys.ENV);
        if (base != null && own != null && table.has(JobKeys.ENV.name())) {
            Map<String, String> merged = new LinkedHashMap<>(base);
            merged.putAll(own);
            values.put(JobKeys.ENV, merged);
        }
    }

    private SpecKey<?> known(RawTable table, String name) {
        SpecKey<?> key = JobKeys.byName(name);
        if (key == null) {
            problems.add(table.get(name).position(), table.pathOf(name), "unknown key", suggestKey(name));
        }
        return key;
    }

    /** The nearest key name, also matching the reference's flag spellings such as {@code backoff}. */
    static String suggestKey(String name) {
        for (SpecKey<?> key : JobKeys.all()) {
            if (key.flagAliases().contains(name)) {
                return key.name();
            }
        }
        return Suggestions.nearest(name, JobKeys.names());
    }

    private boolean readValue(RawTable table, String name, SpecKey<?> key, Map<SpecKey<?>, Object> into) {
        RawValue raw = table.get(name);
        Object value = key.type().read(raw, new KeyType.At(problems, table.pathOf(name), raw.position()));
        if (value == null) {
            return false;
        }
        into.put(key, value);
        return true;
    }

    private void checkContradictions(JobSpec spec, RawTable table) {
        if (spec.oneshot()) {
            if (spec.restart() == RestartPolicy.ALWAYS) {
                contradiction(table, JobKeys.RESTART, "a oneshot job is meant to finish, and restart = \"always\" "
                        + "would run it forever; use \"on-failure\" to retry it, or drop oneshot");
            }
            for (SpecKey<?> rule : spec.readinessRules()) {
                contradiction(table, rule, "a oneshot job's target is completed (exit 0), so it has no readiness rule; "
                        + "remove " + rule.name() + " or drop oneshot");
            }
            for (SpecKey<?> check : spec.healthChecks()) {
                contradiction(table, check, "a oneshot job has no health checks; remove " + check.name() + " or drop oneshot");
            }
        }
        if (!spec.get(JobKeys.PTY)) {
            for (SpecKey<?> key : List.of(JobKeys.COLS, JobKeys.ROWS)) {
                if (spec.setByJob(key)) {
                    contradiction(table, key, key.name() + " has an effect only with pty = true");
                }
            }
        }
        if (spec.restart() == RestartPolicy.NEVER) {
            for (SpecKey<?> key : List.of(JobKeys.MAX_RESTARTS, JobKeys.BACKOFF_MS, JobKeys.BACKOFF_MAX_MS)) {
                if (spec.setByJob(key)) {
                    contradiction(table, key, key.name() + " has no effect with restart = \"never\"; set restart too");
                }
            }
        }
        if (spec.healthChecks().isEmpty()) {
            for (SpecKey<?> key : List.of(JobKeys.HEALTH_INTERVAL_SECS, JobKeys.HEALTH_THRESHOLD)) {
                if (spec.setByJob(key)) {
                    contradiction(table, key, key.name()
                            + " has no effect without health-check-url, health-check-port or health-check-cmd");
                }
            }
        }
        if (spec.get(JobKeys.BACKOFF_MAX_MS).compareTo(spec.get(JobKeys.BACKOFF_MS)) < 0
                && (spec.setByJob(JobKeys.BACKOFF_MS) || spec.setByJob(JobKeys.BACKOFF_MAX_MS))) {
            SpecKey<?> at = spec.setByJob(JobKeys.BACKOFF_MAX_MS) ? JobKeys.BACKOFF_MAX_MS : JobKeys.BACKOFF_MS;
            contradiction(table, at, "backoff-max-ms (" + Durations.format(spec.get(JobKeys.BACKOFF_MAX_MS))
                    + ") is shorter than backoff-ms (" + Durations.format(spec.get(JobKeys.BACKOFF_MS)) + ")");
        }
    }

    private void contradiction(RawTable table, SpecKey<?> key, String message) {
        RawValue raw = table.get(key.name());
        problems.add(raw != null ? raw.position() : table.position(), table.pathOf(key.name()), message);
    }
}
