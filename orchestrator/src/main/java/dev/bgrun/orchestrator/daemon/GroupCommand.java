package dev.bgrun.orchestrator.daemon;

import dev.bgrun.orchestrator.config.JobSpec;
import dev.bgrun.orchestrator.config.JsonSpecs;
import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import dev.bgrun.orchestrator.job.JobState;
import dev.bgrun.orchestrator.logs.LogStore;
import dev.bgrun.orchestrator.messages.Group;
import dev.bgrun.orchestrator.messages.Line;
import dev.bgrun.orchestrator.supervisor.Job;
import dev.bgrun.orchestrator.supervisor.RunRequest;
import dev.bgrun.orchestrator.supervisor.Supervisor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code run_group}: submits a group of jobs in start order (dependencies first; the scheduler starts each
 * when its conditions hold, independent ones in parallel) and watches them until every one reached its target
 * (ready; completed for a oneshot), one failed, or the timeout passed. Streams the group's transitions (and,
 * for {@code up}, its output lines) as items when asked.
 */
final class GroupCommand {
    private static final int REPORT_LINES = 10;

    private final Supervisor supervisor;

    GroupCommand(Supervisor supervisor) {
        this.supervisor = supervisor;
    }

    void register(Map<String, Handler> handlers) {
        handlers.put("run_group", (a, r) -> run(new Args(a), r));
    }

    /** One job of the group, as the watch sees it. */
    private static final class Member {
        final String id;
        final String name;
        final boolean reused;
        final LogStore logs;
        final long lastLine;
        Long reachedMs;

        Member(Job job, boolean reused, LogStore logs, long lastLine) {
            this.id = job.id();
            this.name = job.name();
            this.reused = reused;
            this.logs = logs;
            this.lastLine = lastLine;
        }
    }

    private Object run(Args a, Handler.Responder responder) throws Exception {
        List<RunRequest> requests = requests(a);
        boolean detach = a.flag("detach");
        boolean events = a.flag("events");
        boolean lines = a.flag("logs");
        boolean follow = a.flag("follow");
        long timeoutMs = a.millis("timeout_ms", 0).toMillis();
        Instant begun = Instant.now();
        long begunNanos = System.nanoTime();

        Map<String, Member> members = new LinkedHashMap<>();
        // First: every transition from now on is seen (the members' ids are known once they are registered).
        try (GroupStream stream = new GroupStream(supervisor.events(), events, begunNanos, members::containsKey)) {
            Map<String, Long> marks = new HashMap<>();
            for (RunRequest request : requests) {
                Job before = supervisor.findDependency(request.workspace(), null, request.name());
                marks.put(request.workspace() + "/" + request.name(), before == null ? 0 : supervisor.logs(before).lineCount());
            }
            for (Supervisor.Started started : supervisor.runGroup(requests)) {
                Job job = started.job();
                Member m = new Member(job, started.reused(), supervisor.logs(job), started.reused()
                        ? supervisor.logs(job).lineCount() : marks.getOrDefault(job.workspace() + "/" + job.name(), 0L));
                members.put(job.id(), m);
                if (lines) {
                    stream.follow(m.id, m.name, m.logs, m.lastLine);
                    m.logs.catchUp(job.incarnation(), false);
                }
            }
            if (detach) {
                // Back once every job that could start is spawned (or failed to be); waiting ones stay waiting.
                while (members.values().stream().anyMatch(m -> current(m).state() == JobState.STARTING)) {
                    stream.await(TimeUnit.MILLISECONDS.toNanos(50));
                }
                return result(members, begunNanos, begun, false, null, true);
            }
            if ((events || lines) && !responder.item(new Group.Submitted(views(members, begunNanos)))) {
                return null; // the client knows at once which jobs it started, to stop them if interrupted
            }
            long deadline = timeoutMs > 0 ? begunNanos + TimeUnit.MILLISECONDS.toNanos(timeoutMs) : Long.MAX_VALUE;
            Member failed = null;
            boolean timedOut = false;
            while (true) {
                failed = check(members, begun);
                if (failed != null || members.values().stream().allMatch(m -> m.reachedMs != null)) {
                    break;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    timedOut = true;
                    break;
                }
                stream.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
                if (!stream.pump(responder) || !responder.open()) {
                    return null; // the client has gone (a silent group sends nothing that would fail): free the handler
                }
            }
            if (failed != null) {
                supervisor.scheduler().barrier(); // the failure's blocks have spread before we report them
            }
            if (!stream.pump(responder)) {
                return null;
            }
            Group.Result result = result(members, begunNanos, begun, timedOut, failed, false);
            if (!follow) {
                return result;
            }
            // up: the result is one more item; output and transitions go on until every job has ended.
            if (!responder.item(result)) {
                return null;
            }
            while (!members.values().stream().allMatch(m -> current(m).state().terminal())) {
                stream.await(TimeUnit.MILLISECONDS.toNanos(200));
                if (!stream.pump(responder) || !responder.open()) {
                    return null;
                }
            }
            stream.pump(responder);
            return new Group.End(views(members, begunNanos));
        }
    }

    /** The run requests, all checked before any job starts: a bad spec or missing dependency changes nothing. */
    private List<RunRequest> requests(Args a) {
        Map<String, String> env = new LinkedHashMap<>();
        a.object("env").forEach((k, v) -> env.put(k, String.valueOf(v)));
        List<RunRequest> requests = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Map<String, Object> j : a.objects("jobs")) {
            Args job = new Args(j);
            String name = job.required("name");
            RunRequest request = new RunRequest(name, job.required("workspace"), job.object("spec"), job.string("project"),
                    job.required("cwd"), env, false);
            JobSpec spec = JsonSpecs.read(name, request.spec(), "job " + name);
            for (var edge : spec.after()) {
                if (!names.contains(request.workspace() + "/" + edge.job())
                        && supervisor.findDependency(request.workspace(), null, edge.job()) == null) { // in this workspace: -w COPY needs its own
                    throw new BgrunException(ErrorType.JobNotFound, name + " waits for \"" + edge.job()
                            + "\", which is neither in the group nor a job in workspace " + request.workspace(),
                            "drop --no-deps, or start " + edge.job() + " first",
                            Map.of("job", name, "after", edge.job()), null);
                }
            }
            names.add(request.workspace() + "/" + name);
            requests.add(request);
        }
        if (requests.isEmpty()) {
            throw new BgrunException(ErrorType.UsageError, "run_group: no jobs given");
        }
        return requests;
    }

    private Job current(Member m) {
        Job job = supervisor.job(m.id);
        if (job == null) {
            throw new BgrunException(ErrorType.JobNotFound, "job " + m.name + " was removed while the group ran");
        }
        return job;
    }

    /** Notes members that reached their target; returns the first one that ended short of it, or null. */
    private Member check(Map<String, Member> members, Instant begun) {
        for (Member m : members.values()) {
            if (m.reachedMs != null) {
                continue;
            }
            Job job = current(m);
            JobState state = job.state();
            if (reachedTarget(job, state)) {
                m.reachedMs = m.reused ? 0 : Math.max(0, reachedAt(job, begun));
            } else if (state.terminal()) {
                return m;
            }
        }
        return null;
    }

    private static boolean reachedTarget(Job job, JobState state) {
        return job.spec().oneshot() ? state == JobState.EXITED : state == JobState.READY;
    }

    private static long reachedAt(Job job, Instant begun) {
        Map<String, Object> v = job.view(false);
        Object at = job.spec().oneshot() ? v.get("ended_at") : v.get("ready_at");
        return at == null ? 0 : Duration.between(begun, Instant.parse((String) at)).toMillis();
    }

    private Group.Result result(Map<String, Member> members, long begunNanos, Instant begun, boolean timedOut,
                                Member failed, boolean detached) {
        List<String> blocked = null;
        if (failed != null) {
            blocked = new ArrayList<>();
            for (Member m : members.values()) {
                if (current(m).state() == JobState.BLOCKED) {
                    blocked.add(m.name);
                }
            }
        }
        List<String> pending = timedOut ? members.values().stream().filter(m -> m.reachedMs == null).map(m -> m.name).toList() : null;
        return new Group.Result(!timedOut && failed == null, detached, timedOut,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begunNanos), views(members, begunNanos),
                failed == null ? null : failure(current(failed)), blocked, pending);
    }

    private List<Group.Job> views(Map<String, Member> members, long begunNanos) {
        return members.values().stream().map(m -> view(m, begunNanos)).toList();
    }

    private Group.Job view(Member m, long begunNanos) {
        Job job = current(m);
        Map<String, Object> full = job.view(false);
        return Group.Job.of(full, m.id, m.name, job.spec().oneshot() ? "completed" : "ready", m.reachedMs, m.reused);
    }

    /** What went wrong: the job at the root (a blocked member's root cause), its reason and its last lines. */
    private Group.Failure failure(Job member) {
        Job root = member;
        Map<String, Object> blockedBy = member.blockedBy();
        if (member.state() == JobState.BLOCKED && blockedBy != null && blockedBy.get("id") instanceof String id
                && supervisor.job(id) != null) {
            root = supervisor.job(id);
        }
        Map<String, Object> v = root.view(false);
        LogStore logs = supervisor.logs(root);
        int incarnation = ((Number) v.get("incarnation")).intValue();
        // The failing incarnation's own lines: earlier runs' output would only mislead.
        List<Line> last = logs.tail(REPORT_LINES).stream().filter(l -> l.incarnation() == incarnation).map(Line::of).toList();
        return new Group.Failure(root.name(), root.id(), (String) v.get("state"), (String) v.get("reason"),
                (Integer) v.get("exit_code"), last, logs.lineCount(),
                new Group.Failure.Log(logs.file("stdout").toString(), logs.file("stderr").toString()));
    }
}
