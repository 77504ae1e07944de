package dev.bgrun.orchestrator.supervisor;

import dev.bgrun.orchestrator.os.ExitWatcher;
import dev.bgrun.orchestrator.os.ProcStat;
import dev.bgrun.orchestrator.config.JobKeys;
import dev.bgrun.orchestrator.config.JobSpec;
import dev.bgrun.orchestrator.config.JsonSpecs;
import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import dev.bgrun.orchestrator.events.EventLog;
import dev.bgrun.orchestrator.events.EventType;
import dev.bgrun.orchestrator.job.JobState;
import dev.bgrun.orchestrator.job.JobView;
import dev.bgrun.orchestrator.job.Transition;
import dev.bgrun.orchestrator.job.TransitionBus;
import dev.bgrun.orchestrator.json.Json;
import dev.bgrun.orchestrator.logs.LogLine;
import dev.bgrun.orchestrator.logs.LogStore;
import dev.bgrun.orchestrator.logs.LogWatcher;
import dev.bgrun.orchestrator.readiness.UrlProbe;
import dev.bgrun.orchestrator.scheduler.Scheduler;
import dev.bgrun.orchestrator.state.JobStore;
import dev.bgrun.orchestrator.state.StateRoot;
import okhttp3.OkHttpClient;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The daemon's jobs: a registry of {@link JobActor}s (one per job id, the one writer of that job), the entry
 * points that turn requests into messages to them, and what the jobs share (the store, timers, the event log,
 * the transition bus, the scheduler). It holds no lock of its own while calling into an actor; readers get
 * the jobs' immutable snapshots.
 */
public final class Supervisor implements AutoCloseable {
    private static final Duration LIMIT_CHECK = Duration.ofSeconds(1);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long INDEX_QUIET_MS = 20;
    private static final long INDEX_MAX_DELAY_MS = 1000;
    /** How soon a catch-up that could not write the index (a full disk) is tried again. */
    private static final long INDEX_RETRY_MS = 2000;
    /**
     * How long a job keeps, after it ends, its recent lines in memory (screen reads them from disk after) and
     * the watch on its directory (output its leftover processes write later is indexed when next read), unless
     * {@link #releaseEndedAfter} says otherwise.
     */
    public static final Duration RELEASE_AFTER = Duration.ofMinutes(5);
    /** The most time between two looks over the ended jobs: one sweep rather than a timer per job. */
    private static final Duration RELEASE_SWEEP = Duration.ofSeconds(30);
    /** A request waits at most this long beyond its job's own stop-timeout for its answer. */
    private static final Duration ANSWER_SLACK = Duration.ofSeconds(60);
    /** A line that starts with this marker is a notification from the job (an event of type notify). */
    public static final String NOTIFY_MARKER = "BGRUN_NOTIFY:";

    private final StateRoot root;
    private final JobStore store;
    private final Consumer<String> log;
    private final LogWatcher watcher;
    private final Path shim;
    /** Every job by id. */
    private final Map<String, JobActor> actors = new ConcurrentHashMap<>();
    /** Named jobs by WORKSPACE/NAME, so concurrent runs of one name meet in one actor. */
    private final Map<String, JobActor> byName = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timers;
    private final ExitWatcher exits;
    private final TransitionBus bus = new TransitionBus();
    private final Scheduler scheduler;
    private final EventLog events;
    private volatile OkHttpClient http;
    private volatile Duration releaseAfter = RELEASE_AFTER;
    /** Told when a sweep released jobs: what they gave up is garbage now, which only a full collection frees. */
    private volatile Runnable afterRelease = () -> { };
    private ScheduledFuture<?> releaseSweep;

    public Supervisor(StateRoot root, Consumer<String> log) throws IOException {
        this.root = root;
        this.store = new JobStore(root);
        this.log = log;
        this.shim = ShimBinary.install(root.dir());
        this.watcher = new LogWatcher(log);
        this.exits = new ExitWatcher(log);
        this.timers = dev.bgrun.orchestrator.error.Fatal.timers(2, Thread.ofPlatform().name("bgrun-timer-", 0).daemon(true).factory(), log);
        timers.scheduleWithFixedDelay(logged(() -> Limits.check(actors.values())), LIMIT_CHECK.toMillis(),
                LIMIT_CHECK.toMillis(), TimeUnit.MILLISECONDS);
        releaseEndedAfter(RELEASE_AFTER);
        this.scheduler = new Scheduler(new SchedulerJobs(), log);
        bus.subscribe(scheduler::onTransition); // first: a failure's blocks are queued before any watcher hears of it
        this.events = new EventLog(root.dir(), log);
        bus.subscribe(t -> events.append(EventType.TRANSITION, Json.object("job", t.name(), "job_id", t.jobId(),
                "workspace", t.workspace(), "from", t.from() == null ? null : t.from().keyword(), "to", t.to().keyword(),
                "reason", t.reason(), "incarnation", t.incarnation())));
        bus.subscribe(this::afterEnd);
    }

    // ---- what the actors share

    StateRoot root() {
        return root;
    }

    JobStore store() {
        return store;
    }

    Consumer<String> log() {
        return log;
    }

    Path shim() {
        return shim;
    }

    ScheduledExecutorService timers() {
        return timers;
    }

    /** Hears every shim end, on one thread. */
    public ExitWatcher exits() {
        return exits;
    }

    OkHttpClient http() {
        OkHttpClient client = http;
        if (client == null) {
            synchronized (this) {
                if (http == null) {
                    http = UrlProbe.newClient();
                }
                client = http;
            }
        }
        return client;
    }

    /** Every job transition, as it happens. */
    public TransitionBus transitions() {
        return bus;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    /** Every event (transitions, notifications) with its cursor. */
    public EventLog events() {
        return events;
    }

    void healthEvent(Job job, int failures, int threshold, List<String> failed, int incarnation) {
        events.append(EventType.HEALTH, Json.object("job", job.name(), "job_id", job.id(), "workspace", job.workspace(),
                "failures", failures, "threshold", threshold, "failed", failed, "incarnation", incarnation));
    }

    /** When a job ends: its alert, if it asked for one. */
    private void afterEnd(Transition t) {
        if (!t.to().terminal()) {
            return;
        }
        JobActor actor = actors.get(t.jobId());
        Job job = actor == null ? null : actor.job();
        if (job == null) {
            return;
        }
        String outcome = switch (t.to()) {
            case FAILED -> "failure";
            case EXITED -> "success";
            case STOPPED -> "stop";
            default -> null;
        };
        if (outcome != null && job.spec.get(JobKeys.ALERT).contains(outcome)) {
            Integer code = job.exitCode();
            Thread.ofVirtual().start(() -> { // off the actor's thread: it reads the last lines from disk
                index(actor, t.incarnation(), true);
                events.append(EventType.ALERT, Json.object("job", job.name(), "job_id", job.id(), "workspace", job.workspace(),
                        "outcome", outcome, "state", t.to().keyword(), "exit_code", code, "reason", t.reason(),
                        "incarnation", t.incarnation(), "last_lines", actor.logs().tail(5).stream().map(LogLine::text).toList()));
            });
        }
    }

    /** How long after its end a job gives up what it holds only to be quick (see {@link #RELEASE_AFTER}). */
    public synchronized void releaseEndedAfter(Duration after) {
        releaseAfter = after;
        if (releaseSweep != null) {
            releaseSweep.cancel(false);
        }
        long period = Math.clamp(after.toMillis() / 4, 100, RELEASE_SWEEP.toMillis());
        releaseSweep = timers.scheduleWithFixedDelay(logged(this::releaseEnded), period, period, TimeUnit.MILLISECONDS);
    }

    /** Called after a sweep that released at least one job (the daemon asks for a full collection then). */
    public void afterRelease(Runnable hook) {
        afterRelease = hook;
    }

    /**
     * Jobs that ended {@link #releaseAfter} ago or more give up what they hold only to be quick: the watch on
     * their directory and their log store's memory (see {@link JobActor#releaseLogs}). Here, on the timer, not
     * as a message to each job: a message is a virtual thread, and a sweep may find thousands of jobs.
     */
    private void releaseEnded() {
        Instant endedBefore = Instant.now().minus(releaseAfter);
        boolean released = false;
        for (JobActor actor : actors.values()) {
            if (actor.openLogs() != null) { // held: never released, or taken back by a read since
                released |= actor.releaseLogs(endedBefore);
            }
        }
        if (released) {
            afterRelease.run();
        }
    }

    /** Watches a job's lines for notify markers (every line, once, as it is indexed). */
    private void hookNotifications(JobActor actor, LogStore logs) {
        logs.lineHook(NOTIFY_MARKER, line -> {
            Job job = actor.job();
            if (job != null) {
                events.append(EventType.NOTIFY, Json.object("job", job.name(), "job_id", job.id(),
                        "workspace", job.workspace(), "message", line.text().substring(NOTIFY_MARKER.length()).strip(),
                        "stream", line.stream(), "line_number", line.number(), "incarnation", line.incarnation()));
            }
        });
    }

    /** The scheduler's view of the jobs: lookups, and starting or blocking waiting ones (as messages). */
    private final class SchedulerJobs implements Scheduler.Jobs {
        @Override
        public Collection<? extends JobView> all() {
            return current(); // unsorted: a pass runs after every transition
        }

        @Override
        public JobView dependency(JobView dependent, String name) {
            Job job = (Job) dependent;
            return findDependency(job.workspace(), job.projectFile(), name);
        }

        @Override
        public void start(JobView waiting) {
            JobActor actor = actors.get(waiting.id());
            if (actor != null) {
                actor.mailbox.post(actor::startWaiting);
            }
        }

        @Override
        public Future<?> block(JobView waiting, String reason, Map<String, Object> rootCause) {
            JobActor actor = actors.get(waiting.id());
            if (actor == null) {
                return CompletableFuture.completedFuture(null);
            }
            return actor.mailbox.ask(() -> {
                actor.block(reason, rootCause);
                return null;
            });
        }
    }

    // ---- queries (snapshots; no locks)

    /**
     * The job an {@code after} name refers to: the one of that name in the same workspace, else in the same
     * project file (a job of the project may set a workspace of its own).
     */
    public Job findDependency(String workspace, String projectFile, String name) {
        Job fromProject = null;
        for (JobActor actor : actors.values()) {
            Job j = actor.job();
            if (j != null && j.name().equals(name)) {
                if (j.workspace().equals(workspace)) {
                    return j;
                }
                if (projectFile != null && projectFile.equals(j.projectFile())) {
                    fromProject = j;
                }
            }
        }
        return fromProject;
    }

    public List<Job> jobs() {
        List<Job> all = current();
        all.sort(Comparator.comparing((Job j) -> j.createdAt).thenComparing(Job::id));
        return all;
    }

    /** Every job readers can see, in no order. */
    private List<Job> current() {
        List<Job> all = new ArrayList<>(actors.size());
        for (JobActor actor : actors.values()) {
            Job j = actor.job();
            if (j != null) {
                all.add(j);
            }
        }
        return all;
    }

    /** The job with this id, or null. */
    public Job job(String id) {
        JobActor actor = actors.get(id);
        return actor == null ? null : actor.job();
    }

    public Job resolve(String ref, String currentWorkspace) {
        return JobResolver.resolve(jobs(), ref, currentWorkspace);
    }

    public LogStore logs(Job job) {
        return actor(job).logs();
    }

    public Path logDir(Job job) {
        return root.jobDir(job.id());
    }

    public long liveCount() {
        return jobs().stream().filter(j -> j.state().alive()).count();
    }

    /** Blocks until the job's state satisfies {@code until} or the timeout passes; returns the state then. */
    public JobState await(Job job, Predicate<JobState> until, Duration timeout) throws InterruptedException {
        Job current = job(job.id()); // a run may have put a new definition under the same id
        return (current != null ? current : job).await(until, timeout);
    }

    private JobActor actor(Job job) {
        JobActor actor = actors.get(job.id());
        if (actor == null) {
            throw new BgrunException(ErrorType.JobNotFound, "job " + job.name() + " (" + job.id() + ") was removed");
        }
        return actor;
    }

    // ---- run

    /** The job run returned, and whether it was an alive job of the same name rather than a new start. */
    public record Started(Job job, boolean reused) {
    }

    /** Runs a job and waits until its process is spawned (or could not be): the answer carries its pid. */
    public Started run(RunRequest request) throws IOException, InterruptedException {
        checkDependencies(request);
        while (true) {
            JobActor actor = actorFor(request);
            Started started = answer(actor, actor.mailbox.ask(() -> actor.run(request, true)));
            if (started != null) {
                return started;
            }
            // The actor was removed (clean) while the request queued: run again with a fresh one.
        }
    }

    /**
     * Runs a group's jobs in one step: every member is registered (starting, or waiting for its conditions)
     * before any of their processes exists, so no dependency can end before its dependents are known; then
     * the ready-to-start ones are launched, in parallel. Requests are checked before anything changes.
     */
    public List<Started> runGroup(List<RunRequest> requests) throws InterruptedException {
        for (RunRequest request : requests) {
            JsonSpecs.read(request.name(), request.spec(), "job " + request.name());
        }
        scheduler.suspend(); // no pass may see half a group (a dependency not registered yet looks removed)
        try {
            return registerGroup(requests);
        } finally {
            scheduler.resume();
        }
    }

    private List<Started> registerGroup(List<RunRequest> requests) throws InterruptedException {
        List<Started> started = new ArrayList<>();
        List<JobActor> owners = new ArrayList<>();
        List<CompletableFuture<Started>> registered = new ArrayList<>();
        for (RunRequest request : requests) {
            JobActor actor = actorFor(request);
            owners.add(actor);
            registered.add(actor.mailbox.ask(() -> actor.run(request, false)));
        }
        for (int i = 0; i < requests.size(); i++) {
            Started s = answer(owners.get(i), registered.get(i));
            if (s == null) { // removed meanwhile: register again
                JobActor actor = actorFor(requests.get(i));
                owners.set(i, actor);
                RunRequest request = requests.get(i);
                s = answer(actor, actor.mailbox.ask(() -> actor.run(request, false)));
            }
            started.add(s);
        }
        for (int i = 0; i < started.size(); i++) {
            Started s = started.get(i);
            JobActor actor = owners.get(i);
            if (s != null && !s.reused() && s.job().state() == JobState.STARTING) {
                int n = s.job().incarnation();
                actor.mailbox.post(() -> actor.launch(n));
            }
        }
        return started;
    }

    /** An {@code after} name must be a job of the workspace. */
    private void checkDependencies(RunRequest request) {
        JobSpec spec = JsonSpecs.read(request.name() == null ? "job" : request.name(), request.spec(), "job spec");
        for (var edge : spec.after()) {
            if (findDependency(request.workspace(), request.projectFile(), edge.job()) == null) {
                throw new BgrunException(ErrorType.JobNotFound, "after: no job \"" + edge.job() + "\" in workspace "
                        + request.workspace(), "start it first, or let `bgrun run-group` start dependencies in order",
                        Map.of("job", edge.job(), "workspace", request.workspace()), null);
            }
        }
    }

    /** The actor a run request goes to: the job of that name in its workspace, or a new one. */
    private JobActor actorFor(RunRequest request) {
        if (request.name() == null) {
            return register(new JobActor(newId(), this));
        }
        String key = request.workspace() + "/" + request.name();
        JobActor[] created = {null};
        JobActor actor = byName.computeIfAbsent(key, k -> created[0] = new JobActor(newId(), this));
        if (created[0] != null) {
            register(actor);
        }
        return actor;
    }

    private JobActor register(JobActor actor) {
        actors.put(actor.id, actor);
        return actor;
    }

    /** A job's log store was opened: its notify markers become events, and new output is indexed as it comes. */
    void attach(JobActor actor, LogStore logs) {
        hookNotifications(actor, logs);
        synchronized (actor.indexLock) {
            if (!actor.logsReleased) { // a store made again for a read of a released job: not watched
                watch(actor);
            }
        }
    }

    /** Watches the job's directory for new output, unless it already is. Called under the actor's indexLock. */
    void watch(JobActor actor) {
        if (actor.watch != null) {
            return;
        }
        try {
            actor.watch = watcher.watch(actor.dir(), () -> catchUp(actor));
        } catch (IOException e) {
            log.accept("job " + actor.id + ": cannot watch its log directory: " + e.getMessage());
        }
    }

    /** Stops watching the job's directory (it ended a while ago, or was removed). Called under the actor's indexLock. */
    void unwatch(JobActor actor) {
        if (actor.watch != null) {
            watcher.unwatch(actor.watch);
            actor.watch = null;
        }
    }

    /** Called by an actor's remove: the job is gone from every index. */
    void forget(JobActor actor) {
        actors.remove(actor.id, actor);
        Job job = actor.job();
        if (job != null) {
            byName.remove(job.workspace() + "/" + job.name(), actor);
        } else {
            byName.values().remove(actor);
        }
        synchronized (actor.indexLock) {
            unwatch(actor);
            if (actor.deferredIndex != null) {
                actor.deferredIndex.cancel(false);
            }
            if (actor.indexRetry != null) {
                actor.indexRetry.cancel(false);
            }
        }
    }

    private static String newId() {
        byte[] bytes = new byte[5];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    // ---- user actions (each a message to the job's actor; the caller waits for its answer)

    /** Stops the job's tree (stop-signal, grace, KILL); returns once no process of it is left and it is recorded. */
    public void stop(Job job) throws InterruptedException {
        JobActor actor = actors.get(job.id());
        if (actor != null) {
            answer(actor, actor.mailbox.ask(actor::stop));
        }
    }

    /** Stops the job if alive, then starts a new incarnation with the same id, name and spec. */
    public Map<String, Object> restart(Job job) throws InterruptedException {
        JobActor actor = actor(job);
        JobActor.RestartResult result = answer(actor, actor.mailbox.ask(actor::restart));
        Map<String, Object> view = actor.job().view(false);
        view.put("previous_incarnation", result.previousIncarnation());
        view.put("stopped_previous", result.stoppedPrevious());
        return view;
    }

    /** Removes an ended job, its record and its logs. */
    public void remove(Job job) throws InterruptedException {
        JobActor actor = actors.get(job.id());
        if (actor != null) {
            answer(actor, actor.mailbox.ask(actor::remove));
        }
    }

    /** Waits for an actor's answer: the job's stop-timeout plus a slack bounds how long any message may take. */
    private <T> T answer(JobActor actor, CompletableFuture<T> answer) throws InterruptedException {
        Job job = actor.job();
        Duration bound = ANSWER_SLACK.plus(job == null ? Duration.ZERO : job.spec.get(JobKeys.STOP_TIMEOUT).multipliedBy(2));
        try {
            return answer.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new BgrunException(ErrorType.Internal, "job " + actor.id + ": " + e.getCause());
        } catch (TimeoutException e) {
            throw new BgrunException(ErrorType.Timeout, "job " + actor.id + " did not answer within "
                    + bound.toSeconds() + "s (it is still busy with an earlier request)", "try again");
        }
    }

    /** CPU, memory, threads and listening ports of the job's process tree, and its uptime. */
    public Map<String, Object> stats(Job job) throws InterruptedException {
        Job.Snapshot now = job.snapshot();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", job.id());
        out.put("name", job.name());
        out.put("state", now.state().keyword());
        out.put("pid", now.pid());
        Long pid = now.pid();
        Instant startedAt = now.startedAt();
        Long pidStart = now.pidStart();
        boolean running = pid != null && now.state().alive() && ProcStat.alive(pid, pidStart == null ? -1 : pidStart);
        out.put("uptime_ms", running && startedAt != null
                ? Duration.between(startedAt, Instant.now()).toMillis() : null);
        if (running) {
            out.putAll(TreeStats.measure(pid));
        } else {
            out.put("cpu_percent", 0.0);
            out.put("cpu_seconds", 0.0);
            out.put("rss_bytes", 0);
            out.put("threads", 0);
            out.put("processes", 0);
            out.put("ports", List.of());
            out.put("listening", List.of());
        }
        // The reference tool's names for the same readings, kept beside bgrun's own.
        Long uptime = (Long) out.get("uptime_ms");
        out.put("cpu_pct", out.get("cpu_percent"));
        out.put("rss_mb", Math.round(((Number) out.get("rss_bytes")).longValue() / 1048576.0));
        out.put("uptime_secs", uptime == null ? null : uptime / 1000);
        return out;
    }

    /** Sends one signal to the job's process group (as a message: never to an incarnation already replaced). */
    public void signal(Job job, String signal) throws InterruptedException {
        JobActor actor = actor(job);
        answer(actor, actor.mailbox.ask(() -> {
            actor.signal(signal);
            return null;
        }));
    }

    /**
     * Writes to the job's stdin; with {@code eof}, then lets the job read EOF. Waits while the pipe is full (the
     * job is not reading), up to the timeout.
     */
    public int send(Job job, byte[] data, boolean eof, Duration timeout) {
        return StdinWriter.send(job, root.jobDir(job.id()), data, eof, timeout);
    }

    // ---- logs

    /**
     * New output was written. When someone waits for lines (follow, readiness) they are indexed at once;
     * otherwise indexing waits until the writer pauses for {@link #INDEX_QUIET_MS} (at most
     * {@link #INDEX_MAX_DELAY_MS}), so a job writing flat out does not compete with the daemon for the CPU.
     * Every reader catches up first, so a deferred index is never seen stale.
     */
    private void catchUp(JobActor actor) {
        Job job = actor.job();
        if (job == null || actors.get(actor.id) != actor) {
            return;
        }
        LogStore logs = actor.logs(); // taken back (or made again) if it was released: there is output to index
        if (logs.hasListeners() || events.hasListeners() || logs.overCap()) {
            // Someone waits for lines, or for events (a notify marker), or the log is due for rotation (so
            // it never grows far past its cap): index now, not after a quiet spell.
            index(actor, job.incarnation(), false);
            return;
        }
        synchronized (actor.indexLock) {
            long now = System.nanoTime();
            if (actor.deferredIndex == null) {
                actor.firstDeferredAt = now;
            } else if (now - actor.firstDeferredAt < TimeUnit.MILLISECONDS.toNanos(INDEX_MAX_DELAY_MS)) {
                actor.deferredIndex.cancel(false);
            } else {
                return; // already overdue: the scheduled catch-up runs soon
            }
            actor.deferredIndex = timers.schedule(logged(() -> {
                synchronized (actor.indexLock) {
                    actor.deferredIndex = null;
                }
                Job current = actor.job();
                if (current != null && actors.get(actor.id) == actor) { // not removed meanwhile
                    index(actor, current.incarnation(), false);
                }
            }), INDEX_QUIET_MS, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Indexes the job's new output for the daemon itself (not for a reader, who is told the error). When the index
     * cannot be written (the disk is full) it is tried again every {@link #INDEX_RETRY_MS} until it works: the
     * job may write nothing more, so no new write would ever trigger it. Said once in the daemon log.
     */
    void index(JobActor actor, int incarnation, boolean flush) {
        try {
            actor.logs().catchUp(incarnation, flush);
            if (actor.indexFailing) {
                actor.indexFailing = false;
                log.accept("job " + actor.id + ": its log is indexed again");
            }
        } catch (BgrunException e) {
            if (e.type() != ErrorType.IoError) {
                throw e;
            }
            if (!actor.indexFailing) {
                actor.indexFailing = true;
                log.accept("job " + actor.id + ": cannot index its log, trying again every " + INDEX_RETRY_MS + "ms: "
                        + e.getMessage());
            }
            synchronized (actor.indexLock) {
                if (actor.indexRetry != null || actors.get(actor.id) != actor) {
                    return; // one retry at a time; none for a removed job
                }
                actor.indexRetry = timers.schedule(logged(() -> {
                    synchronized (actor.indexLock) {
                        actor.indexRetry = null;
                    }
                    Job current = actor.job();
                    if (current != null && actors.get(actor.id) == actor) {
                        index(actor, current.incarnation(), current.state().terminal());
                    }
                }), INDEX_RETRY_MS, TimeUnit.MILLISECONDS);
            }
        }
    }

    // ---- recovery

    /**
     * Rebuilds the jobs from disk and settles each with the truth (see {@link Recovery}). The scheduler waits
     * until every job is back, so a waiting job's dependency is never missing merely because it was not read yet.
     */
    public void recover() throws IOException, InterruptedException {
        scheduler.suspend();
        try {
            Recovery.run(this, store.loadAll(log));
        } finally {
            scheduler.resume(); // only now: a waiting job's dependency may be read back after it
        }
    }

    /** Registers a job read back from disk (before any message can reach it). */
    JobActor readBack(Job job) {
        JobActor actor = new JobActor(job.id(), this);
        actor.adoptRecord(job);
        byName.put(job.workspace() + "/" + job.name(), actor);
        register(actor);
        index(actor, job.incarnation, false);
        return actor;
    }

    Collection<JobActor> actors() {
        return actors.values();
    }

    @Override
    public void close() throws IOException {
        scheduler.close();
        events.close();
        timers.shutdownNow();
        exits.close();
        watcher.close();
        for (JobActor actor : actors.values()) {
            LogStore logs = actor.openLogs();
            if (logs != null) {
                logs.close();
            }
        }
    }

    /** Exceptions in timer callbacks would vanish silently; they go to the daemon log instead. */
    private Runnable logged(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                dev.bgrun.orchestrator.error.Fatal.rethrowIfFatal(e); // to the pool, which halts the daemon
                log.accept("error in a supervisor task: " + trace(e));
            }
        };
    }

    static String trace(Throwable e) {
        StringBuilder trace = new StringBuilder(e.toString());
        for (StackTraceElement frame : e.getStackTrace()) {
            trace.append("\n\tat ").append(frame);
        }
        return trace.toString();
    }
}
