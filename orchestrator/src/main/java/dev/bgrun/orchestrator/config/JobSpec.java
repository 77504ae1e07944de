package dev.bgrun.orchestrator.config;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One job's checked spec: the values set for it (by its own table or by {@code [defaults]}), with each key's
 * default behind them. Values are keyed by {@link SpecKey}; the typed accessors are conveniences over
 * {@link #get(SpecKey)}.
 */
public final class JobSpec {

    /** Where a value came from. */
    public enum Source { JOB, DEFAULTS, BUILT_IN }

    private final String name;
    private final Position position;
    private final Map<SpecKey<?>, Object> values;
    private final Map<SpecKey<?>, Source> sources;

    public JobSpec(String name, Position position, Map<SpecKey<?>, Object> values, Map<SpecKey<?>, Source> sources) {
        this(name, position, compact(values), compact(sources), true);
    }

    /** A spec over maps the caller made for it alone and will not change (one spec per job of a file). */
    static JobSpec owning(String name, Position position, Map<SpecKey<?>, Object> values, Map<SpecKey<?>, Source> sources) {
        return new JobSpec(name, position, compact(values), compact(sources), true);
    }

    /**
     * An immutable copy in the JDK's compact form (an array, no entry objects): a daemon keeps a spec for every
     * job it knows, ended ones too, and two linked hash maps of a few keys were about a fifth of an ended job's
     * memory. Only looked up, never iterated, so their order does not matter. A null value (a spec with
     * problems, never kept) stays in a map that allows it.
     */
    private static <V> Map<SpecKey<?>, V> compact(Map<SpecKey<?>, V> map) {
        return map.containsValue(null) ? Collections.unmodifiableMap(new LinkedHashMap<>(map)) : Map.copyOf(map);
    }

    /** Takes maps that are already private copies. */
    private JobSpec(String name, Position position, Map<SpecKey<?>, Object> values, Map<SpecKey<?>, Source> sources,
                    boolean copied) {
        this.name = name;
        this.position = position;
        this.values = values;
        this.sources = sources;
    }

    public String name() {
        return name;
    }

    /** Where the job's table starts in its file. */
    public Position position() {
        return position;
    }

    /** The value set for the key, or the key's default. */
    @SuppressWarnings("unchecked")
    public <T> T get(SpecKey<T> key) {
        Object value = values.get(key);
        return value != null ? (T) value : key.defaultValue();
    }

    public boolean isSet(SpecKey<?> key) {
        return values.containsKey(key);
    }

    /** Whether the job's own table (not {@code [defaults]}) sets the key. */
    public boolean setByJob(SpecKey<?> key) {
        return sources.get(key) == Source.JOB;
    }

    public Source sourceOf(SpecKey<?> key) {
        return sources.getOrDefault(key, Source.BUILT_IN);
    }

    /** This spec with one value replaced, keeping where the others came from. */
    public <T> JobSpec with(SpecKey<T> key, T value) {
        Map<SpecKey<?>, Object> v = new LinkedHashMap<>(values);
        v.put(key, value);
        return new JobSpec(name, position, compact(v), sources, true);
    }

    public Command cmd() {
        return get(JobKeys.CMD);
    }

    public boolean oneshot() {
        return get(JobKeys.ONESHOT);
    }

    public List<Dependency> after() {
        return get(JobKeys.AFTER);
    }

    public Map<String, String> env() {
        return get(JobKeys.ENV);
    }

    public List<String> tags() {
        return get(JobKeys.TAGS);
    }

    public Duration readyTimeout() {
        return get(JobKeys.READY_TIMEOUT);
    }

    /** Whether an incarnation that exited with this code succeeded (success-exit-codes, 0 by default). */
    public boolean succeeded(Integer exitCode) {
        return exitCode != null && get(JobKeys.SUCCESS_EXIT_CODES).contains(exitCode);
    }

    public RestartPolicy restart() {
        return get(JobKeys.RESTART);
    }

    /** The readiness keys the job sets. */
    public List<SpecKey<?>> readinessRules() {
        return JobKeys.withTrait(SpecKey.Trait.READINESS).stream().filter(this::isSet).toList();
    }

    /** The health probes the job sets. */
    public List<SpecKey<?>> healthChecks() {
        return JobKeys.withTrait(SpecKey.Trait.HEALTH).stream().filter(this::isSet).toList();
    }

    /** The variables the job defines for {@code ${...}} references: its env names and allocated ports. */
    public List<String> variables() {
        List<String> names = new java.util.ArrayList<>(env().keySet());
        names.addAll(get(JobKeys.ALLOCATE_PORT));
        return names;
    }

    /** Every key with its effective value (set or default), as plain JSON data, in key order. */
    public Map<String, Object> toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (SpecKey<?> key : JobKeys.all()) {
            Object json = jsonValue(key);
            if (json != null) {
                out.put(key.name(), json);
            }
        }
        return out;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Object jsonValue(SpecKey key) {
        Object value = get(key);
        return value == null ? null : key.type().toJson(value);
    }
}
