package dev.bgrun.orchestrator.daemon;

import dev.bgrun.orchestrator.config.Signals;
import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import dev.bgrun.orchestrator.job.JobState;
import dev.bgrun.orchestrator.logs.LogStore;
import dev.bgrun.orchestrator.messages.JobFields;
import dev.bgrun.orchestrator.messages.JobTransition;
import dev.bgrun.orchestrator.messages.Killed;
import dev.bgrun.orchestrator.messages.ListAnswer;
import dev.bgrun.orchestrator.messages.Removed;
import dev.bgrun.orchestrator.messages.RestartAnswer;
import dev.bgrun.orchestrator.messages.RunAnswer;
import dev.bgrun.orchestrator.messages.StatsAnswer;
import dev.bgrun.orchestrator.messages.StatusAnswer;
import dev.bgrun.orchestrator.messages.Stopped;
import dev.bgrun.orchestrator.messages.WaitAnswer;
import dev.bgrun.orchestrator.supervisor.Job;
import dev.bgrun.orchestrator.supervisor.RunRequest;
import dev.bgrun.orchestrator.supervisor.Supervisor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** The protocol commands about jobs: run, list, status, stop, kill, restart, clean, wait, stats. */
final class JobCommands {
    /** How often a long wait looks whether its client is still there. */
    private static final Duration CLIENT_CHECK = Duration.ofSeconds(1);
    private final Supervisor supervisor;

    JobCommands(Supervisor supervisor) {
        this.supervisor = supervisor;
    }

    void register(Map<String, Handler> handlers) {
        handlers.put("run", (a, r) -> run(new Args(a)));
        handlers.put("list", (a, r) -> list(new Args(a)));
        handlers.put("status", (a, r) -> status(new Args(a)));
        handlers.put("stop", (a, r) -> stop(new Args(a)));
        handlers.put("kill", (a, r) -> kill(new Args(a)));
        handlers.put("restart", (a, r) -> restart(new Args(a)));
        handlers.put("clean", (a, r) -> clean(new Args(a)));
        handlers.put("wait", (a, r) -> await(new Args(a), r));
        handlers.put("stats", (a, r) -> StatsAnswer.of(supervisor.stats(job(new Args(a)))));
    }

    private Object run(Args a) throws Exception {
        String name = a.string("name");
        Map<String, String> env = new LinkedHashMap<>();
        a.object("env").forEach((k, v) -> env.put(k, String.valueOf(v)));
        RunRequest request = new RunRequest(name, a.required("workspace"), a.object("spec"), a.string("project"),
                a.required("cwd"), env, a.flag("replace"));
        Supervisor.Started started = supervisor.run(request);
        return new RunAnswer(JobFields.of(started.job().view(false)), started.reused());
    }

    private Object list(Args a) {
        List<String> states = a.strings("state");
        for (String s : states) {
            if (JobState.fromKeyword(s) == null) {
                throw new BgrunException(ErrorType.UsageError, "unknown state \"" + s + "\"", "states: waiting, "
                        + "starting, running, ready, restarting, exited, failed, stopped, blocked");
            }
        }
        List<JobFields> jobs = new ArrayList<>();
        for (Job job : select(a)) {
            jobs.add(JobFields.of(job.view(a.flag("show_env"))));
        }
        return new ListAnswer(jobs);
    }

    /** The jobs matching the filters: workspace, tag, state, name (each a list: any of). */
    private List<Job> select(Args a) {
        String workspace = a.string("workspace");
        List<String> tags = a.strings("tag");
        List<String> states = a.strings("state");
        List<String> names = a.strings("name");
        return supervisor.jobs().stream()
                .filter(j -> workspace == null || j.workspace().equals(workspace))
                .filter(j -> tags.isEmpty() || j.spec().tags().stream().anyMatch(tags::contains))
                .filter(j -> states.isEmpty() || states.contains(j.state().keyword()))
                .filter(j -> names.isEmpty() || names.contains(j.name()))
                .toList();
    }

    private Job job(Args a) {
        return supervisor.resolve(a.required("ref"), a.string("current_workspace"));
    }

    private Object status(Args a) {
        Job job = job(a);
        JobFields fields = JobFields.of(job.view(a.flag("show_env")));
        LogStore logs = supervisor.logs(job);
        return new StatusAnswer(fields,
                new StatusAnswer.Log(logs.file("stdout").toString(), logs.file("stderr").toString(), logs.lineCount()),
                job.transitions().stream().map(JobTransition::of).toList(),
                logs.cursors().get("default")); // where a plain `diff` goes on from
    }

    /** The jobs named by refs plus, with --all, --workspace or --tag, every alive job selected. */
    private List<Job> targets(Args a) {
        List<Job> targets = new ArrayList<>();
        for (String ref : a.strings("refs")) {
            targets.add(supervisor.resolve(ref, a.string("current_workspace")));
        }
        boolean selection = a.flag("all") || a.string("workspace") != null || !a.strings("tag").isEmpty();
        if (selection) {
            targets.addAll(select(a).stream().filter(j -> j.state().alive()).toList());
        } else if (targets.isEmpty()) {
            throw new BgrunException(ErrorType.UsageError, "name jobs, or use --workspace, --tag or --all");
        }
        return new ArrayList<>(new java.util.LinkedHashSet<>(targets));
    }

    private Stopped stop(Args a) throws InterruptedException {
        List<Job> targets = targets(a);
        List<String> stopped = java.util.Collections.synchronizedList(new ArrayList<>());
        for (List<Job> layer : stopLayers(targets)) {
            // A layer's jobs do not wait for each other: they stop in parallel.
            List<Thread> threads = new ArrayList<>();
            for (Job job : layer) {
                if (job.state().alive()) {
                    threads.add(Thread.ofVirtual().start(() -> {
                        try {
                            supervisor.stop(job);
                            stopped.add(job.id());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }));
                }
            }
            for (Thread t : threads) {
                t.join();
            }
        }
        return new Stopped(List.copyOf(stopped));
    }

    /**
     * The order to stop jobs in: per workspace, dependents before what they wait for (the start layers of
     * their {@code after} edges, reversed); workspaces one after another.
     */
    private static List<List<Job>> stopLayers(List<Job> targets) {
        Map<String, Map<String, Job>> byWorkspace = new LinkedHashMap<>();
        for (Job job : targets) {
            byWorkspace.computeIfAbsent(job.workspace(), w -> new LinkedHashMap<>()).put(job.name(), job);
        }
        List<List<Job>> layers = new ArrayList<>();
        for (Map<String, Job> jobs : byWorkspace.values()) {
            Map<String, dev.bgrun.orchestrator.config.JobSpec> specs = new LinkedHashMap<>();
            jobs.forEach((name, job) -> specs.put(name, job.spec()));
            dev.bgrun.orchestrator.graph.JobGraph graph = dev.bgrun.orchestrator.graph.JobGraph.of(specs);
            if (!graph.cycles().isEmpty()) {
                jobs.values().forEach(j -> layers.add(List.of(j))); // ad-hoc after edges in a loop: one by one
                continue;
            }
            for (List<String> names : graph.stopLayers(jobs.keySet())) {
                layers.add(names.stream().map(jobs::get).toList());
            }
        }
        return layers;
    }

    private Object kill(Args a) throws InterruptedException {
        String given = a.string("signal");
        if (given == null) {
            return new Killed(stop(a).stopped(), null);
        }
        String signal = Signals.canonical(given);
        if (signal == null) {
            throw new BgrunException(ErrorType.UsageError, "unknown signal \"" + given + "\"",
                    "signals: " + String.join(", ", Signals.names()) + " (or their numbers, 1 to " + Signals.names().size() + ")");
        }
        List<String> killed = new ArrayList<>();
        for (Job job : targets(a)) {
            supervisor.signal(job, signal);
            killed.add(job.id());
        }
        return new Killed(killed, signal);
    }

    private Object restart(Args a) throws InterruptedException {
        return RestartAnswer.of(supervisor.restart(job(a)));
    }

    private Object clean(Args a) throws InterruptedException {
        List<Job> targets = new ArrayList<>();
        for (String ref : a.strings("refs")) {
            targets.add(supervisor.resolve(ref, a.string("current_workspace")));
        }
        if (a.strings("refs").isEmpty()) {
            targets.addAll(select(a));
        }
        List<String> removed = new ArrayList<>();
        for (Job job : targets) {
            if (job.state().terminal()) {
                supervisor.remove(job);
                removed.add(job.id());
            }
        }
        return new Removed(removed);
    }

    private Object await(Args a, Handler.Responder responder) throws InterruptedException {
        Job job = job(a);
        long started = System.nanoTime();
        long deadline = started + a.millis("timeout_ms", 60_000).toNanos();
        boolean oneshot = job.spec().oneshot();
        Predicate<JobState> settled = s -> s == JobState.READY || s.terminal();
        JobState state;
        while (true) {
            // In slices: between them, a client that has gone (killed, timed out) frees the handler early.
            long left = Math.max(0, deadline - System.nanoTime());
            state = supervisor.await(job, settled, Duration.ofNanos(Math.min(left, CLIENT_CHECK.toNanos())));
            if (settled.test(state) || left <= CLIENT_CHECK.toNanos()) {
                break;
            }
            if (!responder.open()) {
                return null;
            }
        }
        Map<String, Object> view = job.view(false);
        boolean ready = state == JobState.READY || oneshot && state == JobState.EXITED;
        return new WaitAnswer(ready, !ready && !state.terminal(), state.keyword(), (String) view.get("reason"),
                (Integer) view.get("exit_code"), Duration.ofNanos(System.nanoTime() - started).toMillis(), job.id(), job.name());
    }
}
