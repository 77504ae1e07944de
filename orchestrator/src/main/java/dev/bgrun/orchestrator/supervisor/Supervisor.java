package dev.bgrun.orchestrator.supervisor;

import dev.bgrun.orchestrator.config.Command;
import dev.bgrun.orchestrator.config.Durations;
import dev.bgrun.orchestrator.config.Interpolation;
import dev.bgrun.orchestrator.config.JobKeys;
import dev.bgrun.orchestrator.config.JobSpec;
import dev.bgrun.orchestrator.config.JsonSpecs;
import dev.bgrun.orchestrator.config.RestartPolicy;
import dev.bgrun.orchestrator.config.Signals;
import dev.bgrun.orchestrator.config.SpecKey;
import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import dev.bgrun.orchestrator.events.EventLog;
import dev.bgrun.orchestrator.events.EventType;
import dev.bgrun.orchestrator.job.JobState;
import dev.bgrun.orchestrator.json.Json;
import dev.bgrun.orchestrator.job.JobView;
import dev.bgrun.orchestrator.job.TransitionBus;
import dev.bgrun.orchestrator.logs.LogLine;
import dev.bgrun.orchestrator.logs.LogStore;
import dev.bgrun.orchestrator.logs.LogWatcher;
import dev.bgrun.orchestrator.readiness.CommandProbe;
import dev.bgrun.orchestrator.readiness.FileProbe;
import dev.bgrun.orchestrator.readiness.PortProbe;
import dev.bgrun.orchestrator.readiness.Probe;
import dev.bgrun.orchestrator.readiness.Readiness;
import dev.bgrun.orchestrator.readiness.UrlProbe;
import dev.bgrun.orchestrator.scheduler.Scheduler;
import okhttp3.OkHttpClient;
import dev.bgrun.orchestrator.state.JobStore;
import dev.bgrun.orchestrator.state.StateRoot;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Owns the daemon's jobs: starts incarnations, learns of their exits, applies restart policies and limits,
 * stops process trees, persists every change, and re-adopts jobs after a daemon restart.
 */
public final class Supervisor implements AutoCloseable {
    private static final Duration LIMIT_CHECK = Duration.ofSeconds(1);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long INDEX_QUIET_MS = 20;
    /** How long a job's recent lines stay in memory after it ends (screen reads them from disk after). */
    private static final Duration SCREEN_KEPT = Duration.ofMinutes(5);
    private static final long INDEX_MAX_DELAY_MS = 1000;

    /** What the daemon holds for a job beyond its record: its log store and pending timers. */
    private static final class Live {
        final LogStore logs;
        WatchKey watch;
        ScheduledFuture<?> restart;
        ScheduledFuture<?> runtimeLimit;
        ScheduledFuture<?> readyTimeout;
        ScheduledFuture<?> health;
        /** A deferred catch-up of the log index, while nobody waits for lines. */
        ScheduledFuture<?> deferredIndex;
        long firstDeferredAt;
        Consumer<LogLine> readiness;
        Readiness rules;
        Map<String, String> env = Map.of();
        Instant incarnationStart;
        String failReason;
        int streak;

        Live(LogStore logs) {
            this.logs = logs;
        }

        void cancelTimers() {
            for (ScheduledFuture<?> f : new ScheduledFuture<?>[]{restart, runtimeLimit, readyTimeout, health}) {
                if (f != null) {
                    f.cancel(false);
                }
            }
            restart = runtimeLimit = readyTimeout = health = null;
            if (readiness != null) {
                logs.removeListener(readiness);
                readiness = null;
            }
            if (rules != null) {
                rules.cancel();
                rules = null;
            }
        }
    }

    private final StateRoot root;
    private final JobStore store;
    private final Consumer<String> log;
    private final LogWatcher watcher;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Map<String, Live> live = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timers;
    private final TransitionBus bus = new TransitionBus();
    private final Scheduler scheduler;
    private final EventLog events;
    private OkHttpClient http;

    public Supervisor(StateRoot root, Consumer<String> log) throws IOException {
        this.root = root;
        this.store = new JobStore(root);
        this.log = log;
        this.watcher = new LogWatcher(log);
        this.timers = Executors.newScheduledThreadPool(2, Thread.ofPlatform().name("bgrun-timer-", 0).daemon(true).factory());
        timers.scheduleWithFixedDelay(logged(this::checkLimits), LIMIT_CHECK.toMillis(), LIMIT_CHECK.toMillis(), TimeUnit.MILLISECONDS);
        this.scheduler = new Scheduler(new SchedulerJobs(), log);
        bus.subscribe(scheduler::onTransition); // first: a failure's blocks are queued before any watcher hears of it
        this.events = new EventLog(root.dir(), log);
        bus.subscribe(t -> events.append(EventType.TRANSITION, Json.object("job", t.name(), "job_id", t.jobId(),
                "workspace", t.workspace(), "from", t.from() == null ? null : t.from().keyword(), "to", t.to().keyword(),
                "reason", t.reason(), "incarnation", t.incarnation())));
        bus.subscribe(this::afterEnd);
    }

    /** When a job ends: its alert, if it asked for one, and the release of its in-memory screen a while later. */
    private void afterEnd(dev.bgrun.orchestrator.job.Transition t) {
        if (!t.to().terminal()) {
            return;
        }
        Job job = jobs.get(t.jobId());
        Live l = live.get(t.jobId());
        if (job == null || l == null) {
            return;
        }
        String outcome = switch (t.to()) {
            case FAILED -> "failure";
            case EXITED -> "success";
            case STOPPED -> "stop";
            default -> null;
        };
        if (outcome != null && job.spec.get(JobKeys.ALERT).contains(outcome)) {
            Thread.ofVirtual().start(() -> { // off the transition's thread: it reads the last lines from disk
                l.logs.catchUp(t.incarnation(), true);
                events.append(EventType.ALERT, Json.object("job", job.name(), "job_id", job.id(), "workspace", job.workspace(),
                        "outcome", outcome, "state", t.to().keyword(), "exit_code", job.exitCode(), "reason", t.reason(),
                        "incarnation", t.incarnation(), "last_lines", l.logs.tail(5).stream().map(LogLine::text).toList()));
            });
        }
        timers.schedule(logged(() -> {
            if (job.state().terminal() && job.incarnation() == t.incarnation()) {
                l.logs.releaseScreen();
            }
        }), SCREEN_KEPT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Every event (transitions, notifications) with its cursor. */
    public EventLog events() {
        return events;
    }

    /** A line that starts with this marker is a notification from the job (an event of type notify). */
    public static final String NOTIFY_MARKER = "BGRUN_NOTIFY:";

    /** Watches a job's lines for notify markers (every line, once, as it is indexed). */
    private void hookNotifications(Job job, Live l) {
        l.logs.lineHook(NOTIFY_MARKER, line -> events.append(EventType.NOTIFY, Json.object("job", job.name(), "job_id", job.id(),
                "workspace", job.workspace(), "message", line.text().substring(NOTIFY_MARKER.length()).strip(),
                "stream", line.stream(), "line_number", line.number(), "incarnation", line.incarnation())));
    }

    /** Every job transition, as it happens. */
    public TransitionBus transitions() {
        return bus;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    /** The scheduler's view of the jobs: lookups, and starting or blocking waiting ones. */
    private final class SchedulerJobs implements Scheduler.Jobs {
        @Override
        public Collection<? extends JobView> all() {
            return jobs.values();
        }

        @Override
        public JobView dependency(JobView dependent, String name) {
            Job job = (Job) dependent;
            return findDependency(job.workspace(), job.projectFile(), name);
        }

        @Override
        public void start(JobView waiting) {
            startWaiting((Job) waiting);
        }

        @Override
        public void block(JobView waiting, String reason, Map<String, Object> rootCause) {
            Job job = (Job) waiting;
            synchronized (job) {
                if (job.state != JobState.WAITING) {
                    return;
                }
                job.blockedBy = rootCause;
                job.endedAt = Instant.now();
                job.transition(JobState.BLOCKED, reason);
            }
            persist(job);
        }
    }

    /**
     * The job an {@code after} name refers to: the one of that name in the same workspace, else in the same
     * project file (a job of the project may set a workspace of its own).
     */
    public Job findDependency(String workspace, String projectFile, String name) {
        Job fromProject = null;
        for (Job j : jobs.values()) {
            if (j.name().equals(name)) {
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

    // ---- queries

    public List<Job> jobs() {
        List<Job> all = new ArrayList<>(jobs.values());
        all.sort(java.util.Comparator.comparing((Job j) -> j.createdAt).thenComparing(Job::id));
        return all;
    }

    /** The job with this id, or null. */
    public Job job(String id) {
        return jobs.get(id);
    }

    public Job resolve(String ref, String currentWorkspace) {
        return JobResolver.resolve(jobs.values(), ref, currentWorkspace);
    }

    public LogStore logs(Job job) {
        return live.get(job.id()).logs;
    }

    public Path logDir(Job job) {
        return root.jobDir(job.id());
    }

    public long liveCount() {
        return jobs.values().stream().filter(j -> j.state().alive()).count();
    }

    /** Blocks until the job's state satisfies {@code until} or the timeout passes; returns the state then. */
    public JobState await(Job job, Predicate<JobState> until, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (job) {
            while (!until.test(job.state)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(job, left);
            }
            return job.state;
        }
    }

    // ---- run

    /** The job run returned, and whether it was an alive job of the same name rather than a new start. */
    public record Started(Job job, boolean reused) {
    }

    /** Runs a job and waits until its process is spawned (or could not be): the answer carries its pid. */
    public Started run(RunRequest request) throws IOException, InterruptedException {
        return run(request, true);
    }

    /**
     * Runs a job: an alive job of the same name is returned as it is (unless the request replaces it); a job
     * with {@code after} conditions waits for them (the scheduler starts it); others start now, and with
     * {@code awaitSpawn} false the spawning goes on in the background, so a group's jobs spawn in parallel.
     */
    public Started run(RunRequest request, boolean awaitSpawn) throws IOException, InterruptedException {
        JobSpec spec = JsonSpecs.read(request.name() == null ? "job" : request.name(), request.spec(), "job spec");
        Job existing = request.name() == null ? null : jobs.values().stream()
                .filter(j -> j.name().equals(request.name()) && j.workspace().equals(request.workspace()))
                .findFirst().orElse(null);
        if (existing != null && existing.state().alive() && !request.replace()) {
            return new Started(existing, true);
        }
        for (var edge : spec.after()) {
            if (findDependency(request.workspace(), request.projectFile(), edge.job()) == null) {
                throw new BgrunException(ErrorType.JobNotFound, "after: no job \"" + edge.job() + "\" in workspace "
                        + request.workspace(), "start it first, or let `bgrun run-group` start dependencies in order",
                        Map.of("job", edge.job(), "workspace", request.workspace()), null);
            }
        }
        String id = existing != null ? existing.id() : newId();
        if (existing != null) {
            stop(existing);
        }
        String name = request.name() != null ? request.name() : id;
        Job job = new Job(id, name, request.workspace(), JsonSpecs.setKeys(spec), request.projectFile(), request.cwd(),
                request.callerEnv(), existing != null ? existing.createdAt : Instant.now());
        job.bus = bus;
        if (existing != null) {
            job.incarnation = existing.incarnation;
            job.transitions.addAll(existing.transitions);
        }
        Live l = live.computeIfAbsent(id, k -> new Live(new LogStore(root.jobDir(id))));
        hookNotifications(job, l);
        if (l.watch == null) {
            l.watch = watcher.watch(root.jobDir(id), () -> catchUp(id));
        }
        l.streak = 0;
        if (!spec.after().isEmpty()) {
            awaitDependencies(job);
            jobs.put(id, job);
            persist(job);
            scheduler.poke();
            return new Started(job, false);
        }
        int incarnation = prepare(job); // before the job is visible: it is never seen without a state
        jobs.put(id, job);
        if (awaitSpawn) {
            launch(job, incarnation);
        } else {
            Thread.ofVirtual().start(logged(() -> launch(job, incarnation)));
        }
        return new Started(job, false);
    }

    /** Puts the job in waiting; the scheduler starts it when its conditions hold. */
    private void awaitDependencies(Job job) {
        List<String> parts = job.spec.after().stream()
                .map(edge -> edge.job() + (edge.condition() == null ? "" : " (" + edge.condition().keyword() + ")")).toList();
        synchronized (job) {
            job.blockedBy = null;
            job.startedAt = job.readyAt = job.endedAt = null;
            job.transition(JobState.WAITING, "waiting for " + String.join(", ", parts));
        }
    }

    /** Called by the scheduler: starts a job that still waits, spawning in the background. */
    private void startWaiting(Job job) {
        int incarnation;
        synchronized (job) {
            if (job.state != JobState.WAITING || jobs.get(job.id()) != job) {
                return;
            }
            incarnation = prepare(job);
        }
        persist(job);
        Thread.ofVirtual().start(logged(() -> launch(job, incarnation)));
    }

    private static String newId() {
        byte[] bytes = new byte[5];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * New output was written. When someone waits for lines (follow, readiness) they are indexed at once;
     * otherwise indexing waits until the writer pauses for {@link #INDEX_QUIET_MS} (at most
     * {@link #INDEX_MAX_DELAY_MS}), so a job writing flat out does not compete with the daemon for the CPU.
     * Every reader catches up first, so a deferred index is never seen stale. The job is looked up by id, since
     * --replace puts a new Job object under the same id.
     */
    private void catchUp(String id) {
        Job job = jobs.get(id);
        Live l = live.get(id);
        if (job == null || l == null) {
            return;
        }
        if (l.logs.hasListeners() || events.hasListeners() || l.logs.overCap()) {
            // Someone waits for lines, or for events (a notify marker), or the log is due for rotation (so
            // it never grows far past its cap): index now, not after a quiet spell.
            l.logs.catchUp(job.incarnation, false);
            return;
        }
        synchronized (l) {
            long now = System.nanoTime();
            if (l.deferredIndex == null) {
                l.firstDeferredAt = now;
            } else if (now - l.firstDeferredAt < TimeUnit.MILLISECONDS.toNanos(INDEX_MAX_DELAY_MS)) {
                l.deferredIndex.cancel(false);
            } else {
                return; // already overdue: the scheduled catch-up runs soon
            }
            l.deferredIndex = timers.schedule(logged(() -> {
                synchronized (l) {
                    l.deferredIndex = null;
                }
                Job current = jobs.get(id);
                if (current != null) {
                    l.logs.catchUp(current.incarnation, false);
                }
            }), INDEX_QUIET_MS, TimeUnit.MILLISECONDS);
        }
    }

    // ---- one incarnation

    private void start(Job job) {
        launch(job, prepare(job));
    }

    private static void applyLogLimits(Job job, Live l) {
        l.logs.limits(job.spec.get(JobKeys.LOG_MAX_SIZE_MB) * 1024L * 1024L, job.spec.get(JobKeys.LOG_MAX_FILES));
    }

    /** Begins a new incarnation: numbers it, clears the last one's facts, and moves to starting. */
    private int prepare(Job job) {
        Live l = live.get(job.id());
        synchronized (job) {
            l.logs.catchUp(job.incarnation, true); // what the last incarnation wrote is its own
            applyLogLimits(job, l);
            job.incarnation++;
            int incarnation = job.incarnation;
            job.stopRequested = false;
            job.exitCode = null;
            job.signal = null;
            job.blockedBy = null;
            job.pid = job.pidStart = job.wrapperPid = job.wrapperStart = null;
            job.startedAt = job.readyAt = job.endedAt = null;
            l.failReason = null;
            l.incarnationStart = Instant.now();
            job.transition(JobState.STARTING, incarnation == 1 ? "starting" : "starting incarnation " + incarnation);
            return incarnation;
        }
    }

    /** Spawns the incarnation {@link #prepare} began, and arms its readiness and limits. */
    private void launch(Job job, int incarnation) {
        Live l = live.get(job.id());
        Spawner.Spawned spawned;
        try {
            Map<String, String> env = environment(job);
            l.env = env;
            Command cmd = interpolate(job, job.spec.cmd(), env);
            Path cwd = Path.of(job.cwd);
            if (!Files.isDirectory(cwd)) {
                throw new IOException("working directory " + cwd + " does not exist");
            }
            String readyPort = job.spec.get(JobKeys.READY_WHEN_PORT);
            if (readyPort != null) {
                int port = port(job, readyPort, env);
                if (PortProbe.accepting(port)) {
                    // A stale server on the port would make the new job look ready at once.
                    throw new IOException("port " + port + " already accepts connections (another process holds it), "
                            + "so ready-when-port could not tell this job is ready");
                }
            }
            spawned = Spawner.spawn(root.jobDir(job.id()), cmd, cwd, env, job.spec.get(JobKeys.STDIN), incarnation);
            Long pid = Spawner.awaitPid(spawned, 10_000);
            synchronized (job) {
                job.wrapperPid = spawned.wrapper().pid();
                job.wrapperStart = ProcStat.startTime(job.wrapperPid);
                job.pid = pid;
                job.pidStart = pid == null ? null : ProcStat.startTime(pid);
                job.startedAt = Instant.now();
                job.transition(JobState.RUNNING, "spawned" + (pid == null ? "" : " pid " + pid));
            }
        } catch (IOException | RuntimeException e) {
            synchronized (job) {
                job.endedAt = Instant.now();
                job.transition(JobState.FAILED, "could not start: " + e.getMessage());
            }
            persist(job);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        spawned.wrapper().onExit().thenRunAsync(logged(() -> onExit(job, incarnation)), timers);
        armIncarnation(job, l, incarnation);
        persist(job);
    }

    /**
     * The runtime limit, and readiness, of an incarnation: a job without readiness rules is ready once spawned
     * (a oneshot never is: its target is completing); log rules are checked on every line of the incarnation;
     * all rules must hold, so a rule not checked yet (port, URL, file, command) keeps the job running until
     * its ready-timeout fails it.
     */
    private void armIncarnation(Job job, Live l, int incarnation) {
        JobSpec spec = job.spec;
        Duration sinceStart = Duration.between(l.incarnationStart, Instant.now());
        Duration maxRuntime = spec.get(JobKeys.MAX_RUNTIME_MS);
        if (maxRuntime != null) {
            l.runtimeLimit = timers.schedule(logged(() -> limitKill(job, incarnation,
                    "ran longer than max-runtime-ms (" + Durations.format(maxRuntime) + ")")),
                    Math.max(0, maxRuntime.minus(sinceStart).toMillis()), TimeUnit.MILLISECONDS);
        }
        if (job.state() != JobState.RUNNING || spec.oneshot()) {
            return;
        }
        List<SpecKey<?>> rules = spec.readinessRules();
        if (rules.isEmpty()) {
            markReady(job, incarnation, "no readiness rule: ready once spawned");
            return;
        }
        Map<String, String> env = l.env;
        String substring = spec.get(JobKeys.READY_WHEN) == null ? null : resolve(job, spec.get(JobKeys.READY_WHEN), env, env);
        String regex = spec.get(JobKeys.READY_WHEN_REGEX) == null ? null : resolve(job, spec.get(JobKeys.READY_WHEN_REGEX), env, env);
        Readiness readiness = new Readiness(substring, regex == null ? null : Pattern.compile(regex), probes(job, env),
                why -> markReady(job, incarnation, why));
        l.rules = readiness;
        if (substring != null || regex != null) {
            Consumer<LogLine> listener = line -> {
                if (line.incarnation() == incarnation) {
                    readiness.line(line.number(), line.text());
                }
            };
            l.readiness = listener;
            l.logs.addListener(listener);
            // Lines written before the listener was added: from the incarnation's first line.
            l.logs.catchUp(incarnation, false);
            for (LogLine line : l.logs.range(l.logs.lineCount() - 5000, 5000)) {
                listener.accept(line);
            }
        }
        readiness.start(timers);
        Duration timeout = spec.readyTimeout();
        l.readyTimeout = timers.schedule(logged(() -> {
            if (job.state() == JobState.RUNNING && job.incarnation == incarnation) {
                limitKill(job, incarnation, "not ready within ready-timeout (" + Durations.format(timeout)
                        + "): " + String.join(", ", readiness.pending()) + " did not hold");
            }
        }), Math.max(0, timeout.minus(sinceStart).toMillis()), TimeUnit.MILLISECONDS);
    }

    /** The polled readiness rules of the job, their values interpolated. */
    private List<Probe> probes(Job job, Map<String, String> env) {
        JobSpec spec = job.spec;
        List<Probe> probes = new ArrayList<>();
        if (spec.get(JobKeys.READY_WHEN_PORT) != null) {
            probes.add(new PortProbe(JobKeys.READY_WHEN_PORT.name(), port(job, spec.get(JobKeys.READY_WHEN_PORT), env)));
        }
        if (spec.get(JobKeys.READY_WHEN_URL) != null) {
            probes.add(new UrlProbe(JobKeys.READY_WHEN_URL.name(), resolve(job, spec.get(JobKeys.READY_WHEN_URL), env, env),
                    java.util.Set.copyOf(spec.get(JobKeys.HTTP_OK_STATUS)), http()));
        }
        if (spec.get(JobKeys.READY_WHEN_FILE) != null) {
            probes.add(new FileProbe(JobKeys.READY_WHEN_FILE.name(),
                    Path.of(job.cwd).resolve(resolve(job, spec.get(JobKeys.READY_WHEN_FILE), env, env))));
        }
        if (spec.get(JobKeys.READY_WHEN_CMD) != null) {
            Command cmd = interpolate(job, spec.get(JobKeys.READY_WHEN_CMD), env);
            probes.add(new CommandProbe(JobKeys.READY_WHEN_CMD.name(), cmd.processArgv(), Path.of(job.cwd), env));
        }
        return probes;
    }

    private int port(Job job, String text, Map<String, String> env) {
        String value = resolve(job, text, env, env);
        try {
            int port = Integer.parseInt(value);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BgrunException(ErrorType.InvalidState, "port " + text + " is \"" + value + "\", not a port");
    }

    private synchronized OkHttpClient http() {
        if (http == null) {
            http = UrlProbe.newClient();
        }
        return http;
    }

    private void markReady(Job job, int incarnation, String why) {
        boolean changed;
        synchronized (job) {
            changed = job.incarnation == incarnation && job.state == JobState.RUNNING;
            if (changed) {
                job.readyAt = Instant.now();
                job.transition(JobState.READY, why);
            }
        }
        if (changed) {
            Live l = live.get(job.id());
            if (l.readiness != null) {
                l.logs.removeListener(l.readiness);
                l.readiness = null;
            }
            l.rules = null;
            if (l.readyTimeout != null) {
                l.readyTimeout.cancel(false);
            }
            persist(job);
            watchHealth(job, l, incarnation);
        }
    }

    /**
     * After ready: the health probes every {@code health-interval-secs}; {@code health-threshold} failures in a
     * row fail the incarnation (and its restart policy decides what follows).
     */
    private void watchHealth(Job job, Live l, int incarnation) {
        List<Probe> checks = healthProbes(job, l.env);
        if (checks.isEmpty()) {
            return;
        }
        long interval = job.spec.get(JobKeys.HEALTH_INTERVAL_SECS).toMillis();
        int threshold = job.spec.get(JobKeys.HEALTH_THRESHOLD);
        int[] failures = {0};
        l.health = timers.scheduleWithFixedDelay(logged(() -> Thread.ofVirtual().start(() -> {
            if (job.state() != JobState.READY || job.incarnation != incarnation) {
                return;
            }
            List<String> failed = checks.stream().filter(p -> !p.holds()).map(Probe::describe).toList();
            synchronized (failures) {
                failures[0] = failed.isEmpty() ? 0 : failures[0] + 1;
                if (!failed.isEmpty()) {
                    events.append(EventType.HEALTH, Json.object("job", job.name(), "job_id", job.id(), "workspace",
                            job.workspace(), "failures", failures[0], "threshold", threshold, "failed", failed,
                            "incarnation", incarnation));
                }
                if (failures[0] >= threshold) {
                    limitKill(job, incarnation, "health check failed " + failures[0] + " times in a row: "
                            + String.join(", ", failed));
                }
            }
        })), interval, interval, TimeUnit.MILLISECONDS);
    }

    private List<Probe> healthProbes(Job job, Map<String, String> env) {
        JobSpec spec = job.spec;
        List<Probe> probes = new ArrayList<>();
        if (spec.get(JobKeys.HEALTH_CHECK_URL) != null) {
            probes.add(new UrlProbe(JobKeys.HEALTH_CHECK_URL.name(), resolve(job, spec.get(JobKeys.HEALTH_CHECK_URL), env, env),
                    java.util.Set.copyOf(spec.get(JobKeys.HTTP_OK_STATUS)), http()));
        }
        if (spec.get(JobKeys.HEALTH_CHECK_PORT) != null) {
            probes.add(new PortProbe(JobKeys.HEALTH_CHECK_PORT.name(), port(job, spec.get(JobKeys.HEALTH_CHECK_PORT), env)));
        }
        if (spec.get(JobKeys.HEALTH_CHECK_CMD) != null) {
            Command cmd = interpolate(job, spec.get(JobKeys.HEALTH_CHECK_CMD), env);
            probes.add(new CommandProbe(JobKeys.HEALTH_CHECK_CMD.name(), cmd.processArgv(), Path.of(job.cwd), env));
        }
        return probes;
    }

    private void onExit(Job job, int incarnation) {
        Instant ended = Instant.now(); // before indexing the last output, which may take a while
        Live l = live.get(job.id());
        synchronized (job) {
            if (job.incarnation != incarnation || job.state.terminal() || job.state == JobState.RESTARTING) {
                return; // a late exit of an old incarnation never changes the new one
            }
        }
        l.logs.catchUp(incarnation, true);
        Long code = Spawner.readNumber(Spawner.exitFile(root.jobDir(job.id()), incarnation));
        boolean restart;
        Duration delay = Duration.ZERO;
        synchronized (job) {
            l.cancelTimers();
            job.endedAt = ended;
            job.exitCode = code == null ? null : code.intValue();
            job.signal = code != null && code > 128 && code <= 128 + Signals.names().size()
                    ? Signals.names().get((int) (code - 129)) : null;
            String why = exitReason(job, l);
            JobState end = job.stopRequested ? JobState.STOPPED
                    : l.failReason == null && code != null && code == 0 ? JobState.EXITED : JobState.FAILED;
            restart = !job.stopRequested && shouldRestart(job.spec, end, job.restarts);
            if (restart) {
                Duration ran = Duration.between(l.incarnationStart, job.endedAt);
                l.streak = Backoff.stable(ran, job.spec.get(JobKeys.BACKOFF_MAX_MS)) ? 0 : l.streak + 1;
                delay = Backoff.delay(job.spec.get(JobKeys.BACKOFF_MS), job.spec.get(JobKeys.BACKOFF_MAX_MS), l.streak - 1);
                job.transition(JobState.RESTARTING, why + "; restart " + (job.restarts + 1) + " in " + delay.toMillis() + "ms");
            } else {
                Integer max = job.spec.get(JobKeys.MAX_RESTARTS);
                boolean gaveUp = !job.stopRequested && max != null && job.restarts >= max
                        && shouldRestart(job.spec, end, -1);
                job.transition(end, gaveUp ? why + "; gave up after " + job.restarts + " restarts (max-restarts)" : why);
            }
        }
        persist(job);
        if (restart) {
            synchronized (job) {
                l.restart = timers.schedule(logged(() -> restartNow(job, incarnation)), delay.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private void restartNow(Job job, int fromIncarnation) {
        synchronized (job) {
            if (job.state != JobState.RESTARTING || job.incarnation != fromIncarnation || job.stopRequested) {
                return;
            }
            job.restarts++;
        }
        Thread.ofVirtual().start(logged(() -> start(job)));
    }

    private static String exitReason(Job job, Live l) {
        if (job.stopRequested) {
            return "stopped by user";
        }
        if (l.failReason != null) {
            return l.failReason;
        }
        if (job.exitCode == null) {
            return "exit status unknown (the wrapper ended without recording it)";
        }
        if (job.signal != null) {
            return "killed by signal SIG" + job.signal + " (exit status " + job.exitCode + ")";
        }
        return "exited with code " + job.exitCode;
    }

    /** {@code restarts < 0} asks whether the policy alone would restart. */
    private static boolean shouldRestart(JobSpec spec, JobState end, int restarts) {
        RestartPolicy policy = spec.restart();
        boolean wanted = switch (policy) {
            case NEVER -> false;
            case ON_FAILURE, ON_CRASH -> end == JobState.FAILED;
            case ALWAYS -> end == JobState.FAILED || end == JobState.EXITED;
        };
        Integer max = spec.get(JobKeys.MAX_RESTARTS);
        return wanted && (restarts < 0 || max == null || restarts < max);
    }

    /** A limit or readiness timeout fails the incarnation: its tree is stopped like a user stop, but it counts as failed. */
    private void limitKill(Job job, int incarnation, String reason) {
        Live l = live.get(job.id());
        long pid;
        long start;
        synchronized (job) {
            if (job.incarnation != incarnation || job.state.terminal() || job.pid == null || l.failReason != null) {
                return;
            }
            l.failReason = reason;
            pid = job.pid;
            start = job.pidStart == null ? -1 : job.pidStart;
        }
        log.accept("job " + job.id() + " (" + job.name() + "): " + reason);
        Thread.ofVirtual().start(() -> {
            try {
                Stopper.stop(pid, start, job.spec.get(JobKeys.STOP_SIGNAL), job.spec.get(JobKeys.STOP_TIMEOUT),
                        () -> !ProcStat.alive(pid, start));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private void checkLimits() {
        for (Job job : jobs.values()) {
            Integer maxRss = job.spec.get(JobKeys.MAX_RSS_MB);
            JobState state = job.state();
            if (maxRss == null || job.pid == null || !(state == JobState.RUNNING || state == JobState.READY)) {
                continue;
            }
            long rss = Stopper.snapshot(job.pid).stream().mapToLong(p -> ProcStat.rssBytes(p.pid())).sum();
            if (rss > maxRss * 1024L * 1024L) {
                limitKill(job, job.incarnation, "resident memory " + rss / (1024 * 1024) + " MiB over max-rss-mb (" + maxRss + ")");
            }
        }
    }

    // ---- environment

    private Map<String, String> environment(Job job) throws IOException {
        JobSpec spec = job.spec;
        Map<String, String> env = new LinkedHashMap<>(job.baseEnv);
        for (String file : spec.get(JobKeys.ENV_FILE)) {
            // The CLI sends absolute paths (relative to the project file); a relative one is the job's cwd's.
            env.putAll(EnvFiles.read(Path.of(job.cwd).resolve(file)));
        }
        synchronized (job) {
            for (String variable : spec.get(JobKeys.ALLOCATE_PORT)) {
                job.ports.computeIfAbsent(variable, v -> freePort());
            }
            job.ports.forEach((k, v) -> env.put(k, v.toString()));
        }
        Map<String, String> own = new LinkedHashMap<>(spec.env());
        job.ports.forEach((k, v) -> own.putIfAbsent(k, v.toString()));
        Map<String, String> set = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : spec.env().entrySet()) {
            String value = resolve(job, e.getValue(), own, env);
            env.put(e.getKey(), value);
            set.put(e.getKey(), value);
        }
        synchronized (job) {
            job.ports.forEach((k, v) -> set.put(k, v.toString()));
            job.setEnv = set;
        }
        env.put("BGRUN_JOB_ID", job.id());
        env.put("BGRUN_JOB_NAME", job.name());
        env.put("BGRUN_WORKSPACE", job.workspace());
        return env;
    }

    private Command interpolate(Job job, Command cmd, Map<String, String> env) {
        List<String> argv = cmd.argv().stream().map(a -> resolve(job, a, env, env)).toList();
        return new Command(argv, cmd.shell());
    }

    /** Resolves ${VAR} from the job's own variables and ${job.VAR} from a job of the same workspace. */
    private String resolve(Job job, String text, Map<String, String> own, Map<String, String> env) {
        return Interpolation.resolve(text, ref -> {
            if (ref.ownVariable() || ref.job().equals(job.name())) {
                String v = own.get(ref.variable());
                return v != null ? v : ref.ownVariable() ? null : env.get(ref.variable());
            }
            Job other = findDependency(job.workspace(), job.projectFile(), ref.job());
            if (other == null) {
                throw new BgrunException(ErrorType.InvalidState, ref.text() + ": no job \"" + ref.job()
                        + "\" in workspace " + job.workspace(), "start \"" + ref.job() + "\" first (run-group starts dependencies in order)");
            }
            synchronized (other) {
                Integer port = other.ports.get(ref.variable());
                String value = port != null ? port.toString() : other.spec.env().get(ref.variable());
                if (value == null) {
                    throw new BgrunException(ErrorType.InvalidState, ref.text() + ": job \"" + ref.job()
                            + "\" has no variable " + ref.variable());
                }
                return value;
            }
        });
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new BgrunException(ErrorType.IoError, "cannot allocate a port: " + e.getMessage());
        }
    }

    // ---- user actions

    /** Stops the job's tree (stop-signal, grace, KILL) and waits until it is recorded as stopped. */
    public void stop(Job job) throws InterruptedException {
        Live l = live.get(job.id());
        Long pid;
        Long start;
        synchronized (job) {
            if (job.state.terminal()) {
                return;
            }
            job.stopRequested = true;
            l.cancelTimers();
            pid = job.pid;
            start = job.pidStart;
            if (job.state == JobState.RESTARTING || job.state == JobState.WAITING || pid == null) {
                job.endedAt = Instant.now();
                job.transition(JobState.STOPPED, "stopped by user");
            }
        }
        if (pid != null && job.state().alive()) {
            long s = start == null ? -1 : start;
            Long wrapper = job.wrapperPid;
            Long wrapperStart = job.wrapperStart;
            Stopper.stop(pid, s, job.spec.get(JobKeys.STOP_SIGNAL), job.spec.get(JobKeys.STOP_TIMEOUT),
                    () -> wrapper == null || !ProcStat.alive(wrapper, wrapperStart == null ? -1 : wrapperStart));
            JobState state = await(job, JobState::terminal, Duration.ofSeconds(5));
            if (state.alive()) {
                onExit(job, job.incarnation); // the wrapper is gone too: settle from what is on disk
            }
        }
        persist(job);
    }

    /** CPU, memory, threads and listening ports of the job's process tree, and its uptime. */
    public Map<String, Object> stats(Job job) throws InterruptedException {
        Map<String, Object> view = job.view(false);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", job.id());
        out.put("name", job.name());
        out.put("state", view.get("state"));
        out.put("pid", view.get("pid"));
        Long pid = job.pid;
        Instant started = job.startedAt;
        boolean running = pid != null && job.state().alive() && ProcStat.alive(pid, job.pidStart == null ? -1 : job.pidStart);
        out.put("uptime_ms", running && started != null ? Duration.between(started, Instant.now()).toMillis() : null);
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
        return out;
    }

    /** Sends one signal to the job's process group; what follows is up to the job. */
    public void signal(Job job, String signal) {
        Long pid = job.pid;
        if (pid == null || !job.state().alive()) {
            throw new BgrunException(ErrorType.InvalidState, "job " + job.name() + " is " + job.state().keyword()
                    + ": no process to signal");
        }
        int errno = Stopper.signal(pid, signal);
        if (errno != 0) {
            throw new BgrunException(ErrorType.InvalidState, "cannot signal job " + job.name() + ": errno " + errno);
        }
    }

    /**
     * Writes to the job's stdin (a FIFO kept open by the job's keeper); with {@code eof}, then lets the job read
     * EOF. Waits while the pipe is full (the job is not reading), up to the timeout.
     */
    public int send(Job job, byte[] data, boolean eof, Duration timeout) {
        if (!job.spec.get(JobKeys.STDIN)) {
            throw new BgrunException(ErrorType.InvalidState, "job " + job.name() + " does not keep its stdin open",
                    "set stdin = true in its spec (run --stdin) so send can write to it");
        }
        int incarnation;
        synchronized (job) {
            if (!job.state().alive() || job.pid == null) {
                throw new BgrunException(ErrorType.InvalidState, "job " + job.name() + " is " + job.state().keyword()
                        + ": nothing reads its stdin", "restart it first");
            }
            incarnation = job.incarnation;
        }
        Path dir = root.jobDir(job.id());
        Path keeper = Spawner.keeperFile(dir, incarnation);
        if (!Files.exists(keeper)) {
            throw new BgrunException(ErrorType.InvalidState, "the stdin of job " + job.name() + " was closed by send --eof",
                    "restart the job to open it again");
        }
        writeStdin(job, dir.resolve("stdin.fifo"), data, timeout);
        if (eof) {
            Long pid = Spawner.readNumber(keeper);
            if (pid != null) {
                Posix.kill(pid.intValue(), 15);
            }
            try {
                Files.deleteIfExists(keeper);
            } catch (IOException e) {
                throw new BgrunException(ErrorType.IoError, "cannot remove " + keeper + ": " + e.getMessage());
            }
        }
        return data.length;
    }

    /**
     * Writes to a FIFO on a platform thread of its own: a write to a full pipe blocks in the kernel, which would
     * pin a virtual thread's carrier (two stuck sends would stall the whole daemon). On timeout the channel is
     * closed, which interrupts the blocked write.
     */
    private static void writeStdin(Job job, Path fifo, byte[] data, Duration timeout) {
        java.nio.channels.FileChannel channel;
        try {
            // Opened for reading and writing: never blocks for want of a reader, and is not the last writer.
            channel = java.nio.channels.FileChannel.open(fifo, java.nio.file.StandardOpenOption.READ,
                    java.nio.file.StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new BgrunException(ErrorType.IoError, "cannot open the stdin of job " + job.name() + ": " + e.getMessage());
        }
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(data);
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        Thread.ofPlatform().daemon(true).name("bgrun-send").start(() -> {
            try {
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                done.complete(null);
            } catch (IOException e) {
                done.completeExceptionally(e);
            }
        });
        try {
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new BgrunException(ErrorType.Timeout, "job " + job.name() + " did not read its stdin within "
                    + Durations.format(timeout) + " (the pipe is full); " + buffer.position() + " of " + data.length
                    + " bytes were written", "the job reads what was written when it reads again; send the rest later");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new BgrunException(ErrorType.IoError, "cannot write to the stdin of job " + job.name() + ": "
                    + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BgrunException(ErrorType.Internal, "interrupted");
        } finally {
            try {
                channel.close(); // also ends a write still blocked
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    /** Stops the job if alive, then starts a new incarnation with the same id, name and spec. */
    public void restart(Job job) throws InterruptedException {
        stop(job);
        live.get(job.id()).streak = 0;
        synchronized (job) {
            job.restarts = 0; // a manual restart gives max-restarts a fresh budget
        }
        if (!job.spec.after().isEmpty()) {
            awaitDependencies(job); // its conditions are checked again, like on a first run
            persist(job);
            scheduler.poke();
            return;
        }
        start(job);
    }

    /** Removes an ended job, its record and its logs. */
    public void remove(Job job) {
        if (job.state().alive()) {
            throw new BgrunException(ErrorType.InvalidState, "job " + job.name() + " is " + job.state().keyword(),
                    "stop it first");
        }
        Live l = live.remove(job.id());
        if (l != null) {
            l.cancelTimers();
            if (l.watch != null) {
                watcher.unwatch(l.watch);
            }
            l.logs.close();
        }
        jobs.remove(job.id());
        store.delete(job.id());
    }

    private void persist(Job job) {
        try {
            synchronized (job) {
                store.save(job.id(), job.toRecord()); // under the job's lock: saves land in order
            }
        } catch (RuntimeException e) {
            log.accept("cannot persist job " + job.id() + ": " + e.getMessage());
        }
    }

    // ---- recovery

    /** Rebuilds the jobs from disk and re-adopts those still running (verified by pid and start time). */
    public void recover() throws IOException {
        scheduler.suspend();
        try {
            recoverAll();
        } finally {
            scheduler.resume(); // only now: a waiting job's dependency may be read back after it
        }
    }

    private void recoverAll() throws IOException {
        for (Map<String, Object> record : store.loadAll(log)) {
            Job job;
            try {
                job = Job.fromRecord(record);
            } catch (RuntimeException e) {
                log.accept("skipping job record " + record.get("id") + ": " + e);
                continue;
            }
            job.bus = bus;
            jobs.put(job.id(), job);
            Live l = new Live(new LogStore(root.jobDir(job.id())));
            live.put(job.id(), l);
            hookNotifications(job, l);
            applyLogLimits(job, l);
            l.watch = watcher.watch(root.jobDir(job.id()), () -> catchUp(job.id()));
            l.logs.catchUp(job.incarnation, false);
            if (job.state().alive()) {
                adopt(job, l);
            }
        }
    }

    private void adopt(Job job, Live l) {
        if (job.state() == JobState.WAITING) {
            return; // nothing to adopt: the scheduler looks at its conditions once every job is back
        }
        int incarnation = job.incarnation;
        l.incarnationStart = job.startedAt != null ? job.startedAt : Instant.now();
        if (job.state() == JobState.RESTARTING) {
            l.restart = timers.schedule(logged(() -> restartNow(job, incarnation)), 0, TimeUnit.MILLISECONDS);
            return;
        }
        try {
            l.env = environment(job);
        } catch (IOException | RuntimeException e) {
            log.accept("job " + job.id() + ": cannot rebuild its environment: " + e.getMessage());
        }
        boolean wrapperAlive = job.wrapperPid != null && ProcStat.alive(job.wrapperPid, job.wrapperStart == null ? -1 : job.wrapperStart);
        if (wrapperAlive) {
            log.accept("re-adopting job " + job.id() + " (" + job.name() + "), pid " + job.pid);
            ProcessHandle.of(job.wrapperPid).map(ProcessHandle::onExit).orElse(CompletableFuture.completedFuture(null))
                    .thenRunAsync(logged(() -> onExit(job, incarnation)), timers);
            armIncarnation(job, l, incarnation);
            if (job.state() == JobState.READY) {
                watchHealth(job, l, incarnation);
            }
            return;
        }
        // The wrapper ended while no daemon watched: its exit file (if written) says how the job ended.
        onExit(job, incarnation);
    }

    @Override
    public void close() throws IOException {
        scheduler.close();
        events.close();
        timers.shutdownNow();
        watcher.close();
        for (Live l : live.values()) {
            l.logs.close();
        }
    }

    /** Exceptions in timer and exit callbacks would vanish silently; they go to the daemon log instead. */
    private Runnable logged(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                StringBuilder trace = new StringBuilder(e.toString());
                for (StackTraceElement frame : e.getStackTrace()) {
                    trace.append("\n\tat ").append(frame);
                }
                log.accept("error in a supervisor task: " + trace);
            }
        };
    }

    static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }
}
