package dev.bgrun.orchestrator.supervisor;

import dev.bgrun.orchestrator.config.JobSpec;
import dev.bgrun.orchestrator.config.JsonSpecs;
import dev.bgrun.orchestrator.job.JobState;
import dev.bgrun.orchestrator.job.JobView;
import dev.bgrun.orchestrator.job.Transition;
import dev.bgrun.orchestrator.job.TransitionBus;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One supervised job as the daemon knows it: identity, spec, environment and its current incarnation's
 * process facts. Persisted as {@code job.json} through {@link #toRecord()} and rebuilt by {@link #fromRecord}.
 * Guarded by its own monitor: the supervisor changes it from several threads.
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

    /** Null only before the first transition, which happens before the job is visible to anyone. */
    JobState state;
    String reason = "created";
    int incarnation;
    int restarts;
    Map<String, Integer> ports = new LinkedHashMap<>();
    /** The variables bgrun set for the current incarnation (env keys interpolated, ports). */
    Map<String, String> setEnv = new LinkedHashMap<>();
    Long pid;
    Long pidStart;
    Long wrapperPid;
    Long wrapperStart;
    Instant startedAt;
    Instant readyAt;
    Instant endedAt;
    Integer exitCode;
    String signal;
    boolean stopRequested;
    /** For a blocked job: the root cause, the job whose condition can no longer hold ({job, state, reason}). */
    Map<String, Object> blockedBy;
    final List<Map<String, Object>> transitions = new ArrayList<>();
    /** Where transitions are published; set by the supervisor that owns the job. */
    TransitionBus bus;

    Job(String id, String name, String workspace, Map<String, Object> specJson, String projectFile, String cwd,
        Map<String, String> baseEnv, Instant createdAt) {
        this.id = id;
        this.name = name;
        this.workspace = workspace;
        this.specJson = Map.copyOf(specJson);
        this.spec = JsonSpecs.read(name, specJson, "job " + name);
        this.projectFile = projectFile;
        this.cwd = cwd;
        this.baseEnv = Map.copyOf(baseEnv);
        this.createdAt = createdAt;
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

    @Override
    public synchronized JobState state() {
        return state;
    }

    @Override
    public synchronized String reason() {
        return reason;
    }

    /** The current incarnation's number: 0 before the first start. */
    public synchronized int incarnation() {
        return incarnation;
    }

    @Override
    public synchronized Integer exitCode() {
        return exitCode;
    }

    @Override
    public synchronized boolean spawned() {
        return startedAt != null;
    }

    @Override
    public synchronized Map<String, Object> blockedBy() {
        return blockedBy;
    }

    public synchronized Map<String, Integer> ports() {
        return Map.copyOf(ports);
    }

    public String projectFile() {
        return projectFile;
    }

    /** Records a transition with its reason; returns false when the job is already in that state. */
    synchronized boolean transition(JobState to, String why) {
        if (state == to && to != JobState.RESTARTING) {
            return false;
        }
        Instant now = Instant.now();
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("at", now.toString());
        t.put("from", state == null ? null : state.keyword());
        t.put("to", to.keyword());
        t.put("reason", why);
        t.put("incarnation", incarnation);
        transitions.add(t);
        if (transitions.size() > KEPT_TRANSITIONS) {
            transitions.removeFirst();
        }
        JobState from = state;
        state = to;
        reason = why;
        notifyAll();
        if (bus != null) {
            bus.publish(new Transition(now, id, name, workspace, from, to, why, incarnation));
        }
        return true;
    }

    /** The public view of the job, as list and status print it. */
    public synchronized Map<String, Object> view(boolean withEnv) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("name", name);
        m.put("workspace", workspace);
        m.put("state", state.keyword());
        m.put("reason", reason);
        m.put("cmd", specJson.get("cmd"));
        m.put("pid", pid);
        m.put("pgid", pid);
        m.put("incarnation", incarnation);
        m.put("restart_count", restarts);
        m.put("exit_code", exitCode);
        m.put("signal", signal);
        m.put("created_at", str(createdAt));
        m.put("started_at", str(startedAt));
        m.put("ready_at", str(readyAt));
        m.put("ended_at", str(endedAt));
        m.put("ports", ports);
        if (blockedBy != null) {
            m.put("blocked_by", blockedBy);
        }
        m.put("tags", specJson.getOrDefault("tags", List.of()));
        m.put("cwd", cwd);
        m.put("project", projectFile);
        if (withEnv) {
            m.put("env", environmentShown());
        }
        return m;
    }

    /** The variables bgrun itself set for the job (its env keys and allocated ports), not the inherited ones. */
    synchronized Map<String, String> environmentShown() {
        if (!setEnv.isEmpty()) {
            return new LinkedHashMap<>(setEnv);
        }
        Map<String, String> shown = new LinkedHashMap<>(spec.env());
        ports.forEach((k, v) -> shown.put(k, v.toString()));
        return shown;
    }

    /** The recorded transitions, oldest first. */
    public synchronized List<Map<String, Object>> transitions() {
        return List.copyOf(transitions);
    }

    synchronized Map<String, Object> toRecord() {
        Map<String, Object> m = view(false);
        m.put("spec", specJson);
        m.put("base_env", baseEnv);
        m.put("set_env", setEnv);
        m.put("pid_start", pidStart);
        m.put("wrapper_pid", wrapperPid);
        m.put("wrapper_start", wrapperStart);
        m.put("stop_requested", stopRequested);
        m.put("transitions", List.copyOf(transitions));
        return m;
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
        ((Map<String, Object>) r.getOrDefault("ports", Map.of())).forEach((k, v) -> job.ports.put(k, ((Number) v).intValue()));
        job.pid = num(r.get("pid"));
        job.pidStart = num(r.get("pid_start"));
        job.wrapperPid = num(r.get("wrapper_pid"));
        job.wrapperStart = num(r.get("wrapper_start"));
        job.startedAt = instant(r.get("started_at"));
        job.readyAt = instant(r.get("ready_at"));
        job.endedAt = instant(r.get("ended_at"));
        Long code = num(r.get("exit_code"));
        job.exitCode = code == null ? null : code.intValue();
        job.signal = (String) r.get("signal");
        ((Map<String, Object>) r.getOrDefault("set_env", Map.of())).forEach((k, v) -> job.setEnv.put(k, String.valueOf(v)));
        job.stopRequested = Boolean.TRUE.equals(r.get("stop_requested"));
        job.blockedBy = (Map<String, Object>) r.get("blocked_by");
        job.transitions.addAll((List<Map<String, Object>>) r.getOrDefault("transitions", List.of()));
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
