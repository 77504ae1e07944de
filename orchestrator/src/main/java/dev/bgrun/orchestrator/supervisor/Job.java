package dev.bgrun.orchestrator.supervisor;

import dev.bgrun.orchestrator.config.JobSpec;
import dev.bgrun.orchestrator.config.JsonSpecs;
import dev.bgrun.orchestrator.job.JobState;
import dev.bgrun.orchestrator.job.JobView;
import dev.bgrun.orchestrator.job.Transition;
import dev.bgrun.orchestrator.job.TransitionBus;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One supervised job: its identity and definition (immutable), and the facts of its current incarnation.
 *
 * <p>The facts have one writer, the job's {@link JobActor}, which changes them only on its mailbox. Everyone
 * else reads an immutable {@link Snapshot}, published after each change; a reader never takes a lock the
 * writer holds. Persisted as {@code job.json} (the snapshot's record) and rebuilt by {@link #fromRecord}.
 */
public final class Job implements JobView {
    private static final int KEPT_TRANSITIONS = 50;

    final String id;
    final String name;
    final String workspace;
    final Map<String, Object> specJson;
    final JobSpec spec;
    final String projectFile;
    final String cwd;
    final Map<String, String> baseEnv;
    final Instant createdAt;

    // ---- facts: written by the job's actor only, on its mailbox

    JobState state;
    String reason = "created";
    int incarnation;
    int restarts;
    /** Empty (shared) until a port is allocated: most jobs allocate none, and a daemon keeps every job it knows. */
    Map<String, Integer> ports = Map.of();
    /** The variables bgrun set for the current incarnation (env keys interpolated, ports); replaced, not changed. */
    Map<String, String> setEnv = Map.of();
    Long pid;
    Long pidStart;
    Long shimPid;
    Long shimStart;
    Instant startedAt;
    Instant readyAt;
    Instant endedAt;
    Integer exitCode;
    String signal;
    boolean stopRequested;
    /** Read back from a record of a daemon before the shim: shimPid is that daemon's sh wrapper. */
    boolean legacyWrapper;
    /** For a blocked job: the root cause, the job whose condition can no longer hold ({job, state, reason}). */
    Map<String, Object> blockedBy;
    /** Replaced (an immutable list) at each transition, so the snapshot shares it rather than copying it. */
    List<Step> transitions = List.of();
    /** Where transitions are published; set by the supervisor that owns the job. */
    TransitionBus bus;

    private volatile Snapshot snapshot;
    /** Waiters for a state (wait, stop's callers); held only to wait and to notify, never while calling out. */
    private final Object changed = new Object();

    Job(String id, String name, String workspace, Map<String, Object> specJson, String projectFile, String cwd,
        Map<String, String> baseEnv, Instant createdAt) {
        this.id = id;
        this.name = name;
        this.workspace = SharedValues.string(workspace);
        this.specJson = Map.copyOf(specJson);
        this.spec = JsonSpecs.read(name, specJson, "job " + name);
        this.projectFile = SharedValues.string(projectFile);
        this.cwd = SharedValues.string(cwd);
        this.baseEnv = SharedValues.environment(baseEnv);
        this.createdAt = createdAt;
    }

    /**
     * The immutable facts of a job at one moment. A reader that needs several facts to agree (the scheduler
     * deciding an edge) reads them from one snapshot. It keeps the facts only: the maps {@link #view},
     * {@link #env} and {@link #record} are made when asked for, since a daemon holds a snapshot for every job it
     * knows (ended ones too) and those maps, made at every transition, were most of a job's memory.
     */
    public record Snapshot(Job job, JobState state, String reason, int incarnation, int restarts, Integer exitCode,
                           Long pid, String signal, Instant startedAt, Instant readyAt, Instant endedAt,
                           Map<String, Object> blockedBy, Map<String, Integer> ports, Map<String, String> setEnv,
                           Long pidStart, Long shimPid, Long shimStart, boolean stopRequested,
                           List<Step> steps) implements JobView {
        @Override
        public String id() {
            return job.id;
        }

        @Override
        public String name() {
            return job.name;
        }

        @Override
        public String workspace() {
            return job.workspace;
        }

        @Override
        public JobSpec spec() {
            return job.spec;
        }

        @Override
        public boolean spawned() {
            return startedAt != null;
        }

        /** The public view of the job, as list and status print it (a new map, the caller's to change). */
        public Map<String, Object> view() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", job.id);
            m.put("name", job.name);
            m.put("workspace", job.workspace);
            m.put("state", state == null ? null : state.keyword());
            m.put("reason", reason);
            m.put("cmd", job.specJson.get("cmd"));
            m.put("pid", pid);
            m.put("pgid", pid);
            m.put("incarnation", incarnation);
            m.put("restart_count", restarts);
            m.put("exit_code", exitCode);
            m.put("signal", signal);
            m.put("created_at", str(job.createdAt));
            m.put("started_at", str(startedAt));
            m.put("ready_at", str(readyAt));
            m.put("ended_at", str(endedAt));
            m.put("ports", ports);
            if (blockedBy != null) {
                m.put("blocked_by", blockedBy);
            }
            m.put("tags", job.specJson.getOrDefault("tags", List.of()));
            m.put("cwd", job.cwd);
            m.put("project", job.projectFile);
            return m;
        }

        /** The variables bgrun itself set for the job (its env keys and allocated ports), not the inherited ones. */
        public Map<String, String> env() {
            if (!setEnv.isEmpty()) {
                return new LinkedHashMap<>(setEnv);
            }
            Map<String, String> shown = new LinkedHashMap<>(job.spec.env());
            ports.forEach((k, v) -> shown.put(k, v.toString()));
            return shown;
        }

        /** What {@code job.json} holds: the view, the definition and what recovery needs. */
        public Map<String, Object> record() {
            Map<String, Object> record = view();
            record.put("spec", job.specJson);
            record.put("base_env", job.baseEnv);
            record.put("set_env", new LinkedHashMap<>(setEnv));
            record.put("pid_start", pidStart);
            record.put("shim_pid", shimPid);
            record.put("shim_start", shimStart);
            record.put("stop_requested", stopRequested);
            record.put("transitions", transitions());
            return record;
        }

        /** The recorded transitions as JSON objects, oldest first. */
        public List<Map<String, Object>> transitions() {
            return steps.stream().map(Step::toJson).toList();
        }
    }

    /**
     * One recorded transition. Kept as these few fields rather than as its JSON object (about 40 bytes
     * rather than 400), since a job keeps up to 50 of them for as long as the daemon knows it: its time as
     * nanoseconds since the epoch (an Instant object would be another 24 bytes), its states as the states'
     * own keyword strings.
     */
    record Step(long atNanos, String from, String to, String reason, int incarnation) {
        Step(Instant at, String from, String to, String reason, int incarnation) {
            this(Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L), at.getNano()), from, to, reason,
                    incarnation);
        }

        Instant at() {
            return Instant.ofEpochSecond(0, atNanos);
        }

        Map<String, Object> toJson() {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("at", at().toString());
            t.put("from", from);
            t.put("to", to);
            t.put("reason", reason);
            t.put("incarnation", incarnation);
            return t;
        }

        /** A transition read back from a record (its states' keywords shared with the other jobs'). */
        static Step of(Map<String, Object> t) {
            return new Step(Instant.parse((String) t.get("at")), keyword(t.get("from")), keyword(t.get("to")),
                    (String) t.get("reason"), ((Number) t.get("incarnation")).intValue());
        }

        private static String keyword(Object state) {
            JobState known = state == null ? null : JobState.fromKeyword((String) state);
            return known != null ? known.keyword() : (String) state;
        }
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String workspace() {
        return workspace;
    }

    @Override
    public JobSpec spec() {
        return spec;
    }

    public String projectFile() {
        return projectFile;
    }

    /** The facts now, all from one moment. */
    public Snapshot snapshot() {
        return snapshot;
    }

    @Override
    public JobView frozen() {
        return snapshot;
    }

    @Override
    public JobState state() {
        return snapshot.state;
    }

    @Override
    public String reason() {
        return snapshot.reason;
    }

    /** The current incarnation's number: 0 before the first start. */
    public int incarnation() {
        return snapshot.incarnation;
    }

    @Override
    public Integer exitCode() {
        return snapshot.exitCode;
    }

    @Override
    public boolean spawned() {
        return snapshot.spawned();
    }

    @Override
    public Map<String, Object> blockedBy() {
        return snapshot.blockedBy;
    }

    public Map<String, Integer> ports() {
        return snapshot.ports;
    }

    /** The public view of the job, as list and status print it. */
    public Map<String, Object> view(boolean withEnv) {
        Snapshot s = snapshot;
        Map<String, Object> m = s.view();
        if (withEnv) {
            m.put("env", s.env());
        }
        return m;
    }

    /** The recorded transitions, oldest first. */
    public List<Map<String, Object>> transitions() {
        return snapshot.transitions();
    }

    /** Blocks until the job's state satisfies {@code until} or the timeout passes; returns the state then. */
    public JobState await(Predicate<JobState> until, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (changed) {
            while (!until.test(snapshot.state)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(changed, left);
            }
            return snapshot.state;
        }
    }

    // ---- writer side (the actor)

    /** Records a transition with its reason and publishes it; false when the job is already in that state. */
    boolean transition(JobState to, String why) {
        if (state == to && to != JobState.RESTARTING) {
            return false;
        }
        Instant now = Instant.now();
        List<Step> steps = new ArrayList<>(transitions.size() + 1);
        steps.addAll(transitions.size() < KEPT_TRANSITIONS ? transitions
                : transitions.subList(transitions.size() - KEPT_TRANSITIONS + 1, transitions.size()));
        steps.add(new Step(now, state == null ? null : state.keyword(), to.keyword(), why, incarnation));
        transitions = List.copyOf(steps);
        JobState from = state;
        state = to;
        reason = why;
        if (bus == null) {
            publish();
        } else {
            // Readers see the new state before anyone hears of it, and no other job's transition comes between.
            bus.publish(new Transition(now, id, name, workspace, from, to, why, incarnation), this::publish);
        }
        return true;
    }

    /** Makes the facts as they are now the snapshot readers see, and wakes waiters. */
    void publish() {
        snapshot = new Snapshot(this, state, reason, incarnation, restarts, exitCode, pid, signal, startedAt, readyAt,
                endedAt, blockedBy, ordered(ports), ordered(setEnv), pidStart, shimPid, shimStart, stopRequested,
                transitions);
        synchronized (changed) {
            changed.notifyAll();
        }
    }

    /** An unmodifiable copy that keeps the order (Map.copyOf does not); no copy at all when empty, the usual case. */
    private static <V> Map<String, V> ordered(Map<String, V> m) {
        return m.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    @SuppressWarnings("unchecked")
    static Job fromRecord(Map<String, Object> r) {
        Job job = new Job((String) r.get("id"), (String) r.get("name"), (String) r.get("workspace"),
                (Map<String, Object>) r.get("spec"), (String) r.get("project"), (String) r.get("cwd"),
                (Map<String, String>) r.get("base_env"), Instant.parse((String) r.get("created_at")));
        job.state = JobState.fromKeyword((String) r.get("state"));
        job.reason = (String) r.get("reason");
        job.incarnation = ((Number) r.get("incarnation")).intValue();
        job.restarts = ((Number) r.get("restart_count")).intValue();
        Map<String, Object> ports = (Map<String, Object>) r.getOrDefault("ports", Map.of());
        if (!ports.isEmpty()) {
            job.ports = new LinkedHashMap<>();
            ports.forEach((k, v) -> job.ports.put(k, ((Number) v).intValue()));
        }
        job.pid = num(r.get("pid"));
        job.pidStart = num(r.get("pid_start"));
        job.shimPid = num(r.get("shim_pid"));
        job.shimStart = num(r.get("shim_start"));
        if (job.shimPid == null && r.get("wrapper_pid") != null) {
            // Started by an older daemon through its sh wrapper, which writes the same exit.N when the job ends.
            job.legacyWrapper = true;
            job.shimPid = num(r.get("wrapper_pid"));
            job.shimStart = num(r.get("wrapper_start"));
        }
        job.startedAt = instant(r.get("started_at"));
        job.readyAt = instant(r.get("ready_at"));
        job.endedAt = instant(r.get("ended_at"));
        Long code = num(r.get("exit_code"));
        job.exitCode = code == null ? null : code.intValue();
        job.signal = (String) r.get("signal");
        Map<String, Object> setEnv = (Map<String, Object>) r.getOrDefault("set_env", Map.of());
        if (!setEnv.isEmpty()) {
            Map<String, String> set = new LinkedHashMap<>();
            setEnv.forEach((k, v) -> set.put(k, String.valueOf(v)));
            job.setEnv = set;
        }
        job.stopRequested = Boolean.TRUE.equals(r.get("stop_requested"));
        job.blockedBy = (Map<String, Object>) r.get("blocked_by");
        job.transitions = ((List<Map<String, Object>>) r.getOrDefault("transitions", List.of())).stream()
                .map(Step::of).toList();
        job.publish();
        return job;
    }

    private static Long num(Object o) {
        return o == null ? null : ((Number) o).longValue();
    }

    private static Instant instant(Object o) {
        return o == null ? null : Instant.parse((String) o);
    }

    private static String str(Instant i) {
        return i == null ? null : i.toString();
    }
}
