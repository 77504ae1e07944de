package dev.bgrun.orchestrator.supervisor;

import dev.bgrun.orchestrator.os.Posix;
import dev.bgrun.orchestrator.os.ProcStat;
import dev.bgrun.orchestrator.os.Resources;
import dev.bgrun.orchestrator.config.Command;
import dev.bgrun.orchestrator.config.JobKeys;
import dev.bgrun.orchestrator.config.JobSpec;
import dev.bgrun.orchestrator.config.JsonSpecs;
import dev.bgrun.orchestrator.config.RestartPolicy;
import dev.bgrun.orchestrator.config.Signals;
import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import dev.bgrun.orchestrator.error.IoErrors;
import dev.bgrun.orchestrator.job.JobState;
import dev.bgrun.orchestrator.logs.LogLine;
import dev.bgrun.orchestrator.logs.LogStore;
import dev.bgrun.orchestrator.readiness.PortProbe;
import dev.bgrun.orchestrator.readiness.Readiness;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The one writer of a job: its lifecycle as a state machine whose messages (requests from clients and the
 * scheduler; events from the shim, timers, readiness rules, health checks and limits) are handled one at a
 * time, in order, on the job's {@link Mailbox}. Every event names the incarnation it is about; one about an
 * incarnation that is no longer current, or already settled, is dropped.
 *
 * <p>A stop runs inside its message: signal, grace, KILL, and a check that no process of the tree is left,
 * then the incarnation is settled. So a request that arrives meanwhile (run, restart, another stop) waits
 * behind it and sees the job as the stop left it: never half-stopped, never two incarnations alive.
 *
 * <p>Fields below the mailbox are touched only by messages; the actor calls other components (the log store,
 * the store, the bus) without holding any lock.
 */
final class JobActor {
    final String id;
    final Mailbox mailbox;
    /** Opened on first use (in the job's first message, or by a reader), not when the actor is made. */
    private volatile LogStore logs;
    /**
     * The store given up by {@link #releaseLogs}, weakly: an ended job's store costs nothing once nobody reads
     * it, and while someone does (a follower, a read in progress) it is the one {@link #logs} gives out again.
     * Under logsLock.
     */
    private WeakReference<LogStore> releasedLogs;
    private final Object logsLock = new Object();
    private final Supervisor sv;
    private final Path dir;
    /** The job the actor works on; replaced (same id) when a run brings a new definition. Written on the mailbox. */
    private volatile Job job;
    /**
     * The job it replaced, which readers still see until the new one has a first state (published by its first
     * transition, before anyone hears of that transition): no reader meets a job without a snapshot.
     */
    private volatile Job previous;
    /** The watch on the job's directory, or null (see Supervisor.watch); under indexLock. */
    WatchKey watch;
    /**
     * The job ended a while ago: its log store gave up its memory and its directory is not watched, until a new
     * incarnation. Written under indexLock.
     */
    volatile boolean logsReleased;

    // ---- mailbox-only state of the current incarnation
    private ScheduledFuture<?> restartTimer;
    private ScheduledFuture<?> runtimeLimit;
    private ScheduledFuture<?> readyTimeout;
    private ScheduledFuture<?> health;
    private Consumer<LogLine> readinessListener;
    private Readiness readiness;
    /** The environment of the current incarnation, from its launch until its health checks are armed. */
    Map<String, String> env = Map.of();
    private Instant incarnationStart;
    private String failReason;
    private int streak;
    private int healthFailures;
    /** The highest incarnation whose end has been settled: later events about it are stale. */
    private int settled;
    private boolean removed;
    /** The record changed since it was last saved. */
    private boolean dirty;

    /**
     * Deferred log indexing (see Supervisor.catchUp) and the directory's watch; its own leaf lock, never held
     * while calling out (but to the watch service).
     */
    final Object indexLock = new Object();
    ScheduledFuture<?> deferredIndex;
    long firstDeferredAt;
    /** A catch-up that could not write the index (a full disk), due again (see Supervisor.index). */
    ScheduledFuture<?> indexRetry;
    volatile boolean indexFailing;

    JobActor(String id, Supervisor sv) {
        this.id = id;
        this.sv = sv;
        this.dir = sv.root().jobDir(id);
        this.mailbox = new Mailbox(id, sv.log(), this::flush);
    }

    /**
     * The job's log store, opened on first use: making an actor costs no file, so a group registers its
     * members quickly and each opens its own store in parallel, in its first message. After a release it is
     * held weakly ({@link #releasedLogs}): a store someone still uses is taken back, and a new one is made only
     * once none can be reached, so two stores never write one index.
     */
    LogStore logs() {
        LogStore store = logs;
        if (store != null) {
            return store;
        }
        boolean opened = false;
        synchronized (logsLock) { // a leaf: only opens files
            if (logs == null) {
                LogStore kept = releasedLogs == null ? null : releasedLogs.get();
                if (kept == null) {
                    kept = new LogStore(dir);
                    Job j = job();
                    if (j != null) {
                        logLimits(kept, j);
                    }
                    opened = true;
                }
                logs = kept;
                releasedLogs = null;
            }
            store = logs;
        }
        if (opened) {
            sv.attach(this, store); // outside the lock: notify hook, and the watch for new output
        }
        return store;
    }

    /** The log store if it is open (held), else null. */
    LogStore openLogs() {
        return logs;
    }

    Path dir() {
        return dir;
    }

    /**
     * If the job ended before {@code endedBefore}: its directory is watched no more (nothing of the job should
     * write there; what a leftover process does write is indexed when next read) and its log store gives up
     * its memory and is then held weakly (see {@link #logs}). Not while a follower listens. Off the mailbox, so
     * under indexLock, as is the new watch of a new incarnation ({@link #prepare}): whichever comes second sees
     * what the first did. A store a read took back since is given up again. Returns whether this was the
     * job's first release (what it gave up is worth a collection).
     */
    boolean releaseLogs(Instant endedBefore) {
        LogStore store = logs;
        boolean first;
        synchronized (indexLock) {
            Job.Snapshot now = job() == null ? null : job().snapshot();
            if (store == null || now == null || !now.state().terminal() || store.hasListeners()
                    || (now.endedAt() != null && now.endedAt().isAfter(endedBefore))) {
                return false;
            }
            first = !logsReleased;
            sv.unwatch(this);
            logsReleased = true;
        }
        store.release(); // only what is made again when needed: harmless even if a new incarnation began meanwhile
        synchronized (logsLock) {
            if (logs == store && logsReleased) { // not if a new incarnation began meanwhile
                logs = null;
                releasedLogs = new WeakReference<>(store);
            }
        }
        return first;
    }

    /** The current job, or null before the first run message has been handled. */
    Job job() {
        Job j = job;
        return j != null && j.snapshot() != null ? j : previous;
    }

    /** Installs a job read back from disk (before any message can arrive). */
    void adoptRecord(Job recovered) {
        recovered.bus = sv.transitions();
        job = recovered;
        settled = recovered.state.terminal() ? recovered.incarnation : recovered.incarnation - 1;
        applyLogLimits();
    }

    // =====================================================================================================
    // Requests (each runs as one message)

    /**
     * Runs the request on this job: an alive job is returned as it is (unless the request replaces it), else
     * a job with this definition starts (or waits for its {@code after} conditions). With {@code launchNow}
     * false the new incarnation is only prepared (starting, on disk) and {@link #launch} follows as a later
     * message: a group registers every member before any process exists. Null when the actor was removed.
     */
    Supervisor.Started run(RunRequest request, boolean launchNow) {
        if (removed) {
            return null;
        }
        Job existing = job;
        if (existing != null && existing.state.alive() && !request.replace()) {
            return new Supervisor.Started(existing, true);
        }
        if (existing != null && existing.state.alive()) {
            stopNow();
        }
        String name = request.name() != null ? request.name() : id;
        Job fresh = new Job(id, name, request.workspace(), JsonSpecs.setKeys(JsonSpecs.read(name, request.spec(), "job spec")),
                request.projectFile(), request.cwd(), request.callerEnv(),
                existing != null ? existing.createdAt : Instant.now());
        fresh.bus = sv.transitions();
        if (existing != null) {
            fresh.incarnation = existing.incarnation;
            fresh.transitions = existing.transitions;
        }
        previous = existing;
        job = fresh;
        streak = 0;
        if (!fresh.spec.after().isEmpty()) {
            awaitDependencies();
            persist();
            sv.scheduler().poke();
            return new Supervisor.Started(fresh, false);
        }
        int incarnation = prepare();
        if (launchNow) {
            launch(incarnation);
        }
        return new Supervisor.Started(fresh, false);
    }

    /** Stops the job; answers (whether it was alive) once no process of its tree is left and the stop is recorded. */
    boolean stop() {
        Job j = job;
        if (j == null || j.state.terminal()) {
            return false;
        }
        stopNow();
        return true;
    }

    /** What a restart did: the incarnation it ended (if alive) and the one it began. */
    record RestartResult(int previousIncarnation, boolean stoppedPrevious) {
    }

    /** Stops the job if alive, then starts a new incarnation (or waits again for its conditions). */
    RestartResult restart() {
        Job j = job;
        int before = j.incarnation;
        boolean wasAlive = j.state.alive();
        stopNow();
        streak = 0;
        j.restarts = 0; // a manual restart gives max-restarts a fresh budget
        if (!j.spec.after().isEmpty()) {
            awaitDependencies(); // its conditions are checked again, like on a first run
            persist();
            sv.scheduler().poke();
        } else {
            launch(prepare());
        }
        return new RestartResult(before, wasAlive);
    }

    /** Sends one signal to the current incarnation's process group; what follows is up to the job. */
    void signal(String signal) {
        Job j = job;
        if (j.pid == null || !j.state.alive()) {
            throw new BgrunException(ErrorType.InvalidState, "job " + j.name + " is " + j.state.keyword()
                    + ": no process to signal");
        }
        int errno = Stopper.signal(j.pid, signal);
        if (errno != 0) {
            throw new BgrunException(ErrorType.InvalidState, "cannot signal job " + j.name + ": errno " + errno);
        }
    }

    /** Removes an ended job: its record, logs and timers. */
    boolean remove() {
        Job j = job;
        if (removed) {
            return false;
        }
        if (j != null && j.state.alive()) {
            throw new BgrunException(ErrorType.InvalidState, "job " + j.name + " is " + j.state.keyword(), "stop it first");
        }
        removed = true;
        cancelTimers();
        sv.forget(this);
        LogStore store = logs;
        if (store != null) {
            store.close();
        }
        sv.store().delete(id);
        return true;
    }

    /** From the scheduler: the conditions of a waiting job hold. */
    void startWaiting() {
        Job j = job;
        if (removed || j == null || j.state != JobState.WAITING) {
            return;
        }
        launch(prepare());
    }

    /** From the scheduler: a condition of a waiting job can no longer hold. */
    void block(String reason, Map<String, Object> rootCause) {
        Job j = job;
        if (removed || j == null || j.state != JobState.WAITING) {
            return;
        }
        j.blockedBy = rootCause;
        j.endedAt = Instant.now();
        j.transition(JobState.BLOCKED, reason);
        persist();
    }

    // =====================================================================================================
    // Events (each names its incarnation)

    /** The shim of incarnation {@code n} ended: the job's main process has exited and its status is on disk. */
    void exited(int n) {
        if (current(n)) {
            settle(n);
        }
    }

    /** Every readiness rule of incarnation {@code n} held. */
    void ready(int n, String why) {
        Job j = job;
        if (!current(n) || j.state != JobState.RUNNING) {
            return;
        }
        j.readyAt = Instant.now();
        j.transition(JobState.READY, why);
        dropReadiness();
        if (readyTimeout != null) {
            readyTimeout.cancel(false);
        }
        persist();
        armHealth(n);
    }

    /**
     * The health checks of ready incarnation {@code n}; after them nothing reads its environment (a restart
     * makes a new one), so it is dropped: 50 variables or more a live job, 2 KiB or so, for its whole life.
     */
    private void armHealth(int n) {
        health = Watches.health(this, sv, n);
        env = Map.of();
    }

    /** A limit, the readiness deadline or the health threshold fails incarnation {@code n}. */
    void fail(int n, String reason) {
        Job j = job;
        if (!current(n) || !j.state.alive() || j.pid == null) {
            return;
        }
        failReason = reason;
        sv.log().accept("job " + id + " (" + j.name + "): " + reason);
        killTree();
        settle(n);
    }

    /** The ready-timeout of incarnation {@code n} passed: fails it unless it became ready meanwhile. */
    void readyDeadline(int n, Readiness rules, Duration timeout) {
        if (current(n) && job.state == JobState.RUNNING) {
            fail(n, "not ready within ready-timeout (" + dev.bgrun.orchestrator.config.Durations.format(timeout)
                    + "): " + String.join(", ", rules.pending()) + " did not hold");
        }
    }

    /** One round of health checks of incarnation {@code n} ended; {@code failed} names the checks that failed. */
    void healthChecked(int n, List<String> failed) {
        Job j = job;
        if (!current(n) || j.state != JobState.READY) {
            return;
        }
        healthFailures = failed.isEmpty() ? 0 : healthFailures + 1;
        if (failed.isEmpty()) {
            return;
        }
        int threshold = j.spec.get(JobKeys.HEALTH_THRESHOLD);
        sv.healthEvent(j, healthFailures, threshold, failed, n);
        if (healthFailures >= threshold) {
            fail(n, "health check failed " + healthFailures + " times in a row: " + String.join(", ", failed));
        }
    }

    /** The backoff of a restart after incarnation {@code n} has passed. */
    void restartDue(int n) {
        Job j = job;
        if (removed || j.incarnation != n || j.state != JobState.RESTARTING || j.stopRequested) {
            return;
        }
        j.restarts++;
        launch(prepare());
    }

    private boolean current(int n) {
        Job j = job;
        return !removed && j != null && j.incarnation == n && settled < n;
    }

    // =====================================================================================================
    // One incarnation

    /** Puts the job in waiting; the scheduler starts it when its conditions hold. */
    private void awaitDependencies() {
        Job j = job;
        List<String> parts = j.spec.after().stream()
                .map(edge -> edge.job() + (edge.condition() == null ? "" : " (" + edge.condition().keyword() + ")")).toList();
        j.blockedBy = null;
        j.stopRequested = false;
        j.startedAt = j.readyAt = j.endedAt = null;
        j.transition(JobState.WAITING, "waiting for " + String.join(", ", parts));
    }

    /**
     * Begins a new incarnation: numbers it, clears the last one's facts, moves to starting and saves that
     * (write-ahead: the intent is on disk before any process exists).
     */
    private int prepare() {
        Job j = job;
        sv.index(this, j.incarnation, true); // what the last incarnation wrote is its own
        applyLogLimits();
        settled = Math.max(settled, j.incarnation);
        j.incarnation++;
        int n = j.incarnation;
        j.stopRequested = false;
        j.exitCode = null;
        j.signal = null;
        j.blockedBy = null;
        j.pid = j.pidStart = j.shimPid = j.shimStart = null;
        j.startedAt = j.readyAt = j.endedAt = null;
        failReason = null;
        healthFailures = 0;
        incarnationStart = Instant.now();
        j.transition(JobState.STARTING, n == 1 ? "starting" : "starting incarnation " + n);
        synchronized (indexLock) { // after the transition: a release from now on finds the job alive
            logsReleased = false;
            sv.watch(this);
        }
        persistNow(); // write-ahead: on disk before the process exists
        return n;
    }

    /** Spawns incarnation {@code n} (prepared before) and arms its readiness and limits. */
    void launch(int n) {
        Job j = job;
        if (removed || j.incarnation != n || j.state != JobState.STARTING) {
            return; // stopped (or restarted) between prepare and launch
        }
        Spawner.Spawned spawned;
        try {
            env = Launcher.environment(sv, j);
            Command cmd = Launcher.interpolate(sv, j, j.spec.cmd(), env);
            Path cwd = Path.of(j.cwd);
            if (!Files.isDirectory(cwd)) {
                throw new IOException("working directory " + cwd + " does not exist");
            }
            String readyPort = j.spec.get(JobKeys.READY_WHEN_PORT);
            if (readyPort != null) {
                int port = Launcher.port(sv, j, readyPort, env);
                if (PortProbe.accepting(port)) {
                    // A stale server on the port would make the new job look ready at once.
                    throw new IOException("port " + port + " already accepts connections (another process holds it), "
                            + "so ready-when-port could not tell this job is ready");
                }
            }
            String notRunnable = Executables.whyNotRunnable(cmd, cwd, env);
            if (notRunnable != null) {
                j.exitCode = 127; // what the shell would have exited with, as for an exec the shim saw fail
                couldNotStart(n, notRunnable);
                return;
            }
            spawned = Spawner.spawn(sv.shim(), dir, cmd, cwd, env, j.spec.get(JobKeys.STDIN), n);
        } catch (IOException | RuntimeException e) {
            couldNotStart(n, Resources.outOfFiles(e) ? e.getMessage() + "; " + Resources.outOfFilesMessage() : e.getMessage());
            return;
        }
        j.shimPid = spawned.shimPid();
        j.shimStart = ProcStat.startTime(j.shimPid);
        sv.exits().onExit(j.shimPid, -1).thenRun(() -> mailbox.post(() -> exited(n))); // a child: not reused until reaped
        if (spawned.error() != null) {
            j.exitCode = 127;
            couldNotStart(n, spawned.error());
            return;
        }
        j.pid = spawned.pid();
        j.pidStart = ProcStat.startTime(j.pid);
        j.startedAt = Instant.now();
        if (j.spec.get(JobKeys.STDIN)) {
            writeKeeper(n, j.shimPid);
        }
        j.transition(JobState.RUNNING, "spawned pid " + j.pid);
        persist();
        arm(n);
    }

    private void couldNotStart(int n, String why) {
        Job j = job;
        settled = n;
        env = Map.of();
        j.endedAt = Instant.now();
        j.transition(JobState.FAILED, "could not start: " + why);
        persist();
    }

    /** The runtime limit, readiness and (once ready) health of incarnation {@code n}. */
    private void arm(int n) {
        Job j = job;
        JobSpec spec = j.spec;
        Duration sinceStart = Duration.between(incarnationStart, Instant.now());
        Duration maxRuntime = spec.get(JobKeys.MAX_RUNTIME_MS);
        if (maxRuntime != null) {
            runtimeLimit = sv.timers().schedule(() -> mailbox.post(() -> fail(n,
                            "ran longer than max-runtime-ms (" + dev.bgrun.orchestrator.config.Durations.format(maxRuntime) + ")")),
                    Math.max(0, maxRuntime.minus(sinceStart).toMillis()), TimeUnit.MILLISECONDS);
        }
        if (j.state == JobState.READY) {
            armHealth(n);
            return;
        }
        if (j.state != JobState.RUNNING || spec.oneshot()) {
            return;
        }
        if (spec.readinessRules().isEmpty()) {
            ready(n, "no readiness rule: ready once spawned");
            return;
        }
        readiness = Watches.readiness(this, sv, n);
        readinessListener = Watches.lineListener(readiness, n);
        if (readinessListener != null) {
            logs().addListener(readinessListener);
            // Lines written before the listener was added: from the incarnation's first line.
            sv.index(this, n, false);
            for (LogLine line : logs().range(logs().lineCount() - 5000, 5000)) {
                readinessListener.accept(line);
            }
        }
        readiness.start(sv.timers());
        Duration timeout = spec.readyTimeout();
        Readiness rules = readiness;
        readyTimeout = sv.timers().schedule(() -> mailbox.post(() -> readyDeadline(n, rules, timeout)),
                Math.max(0, timeout.minus(sinceStart).toMillis()), TimeUnit.MILLISECONDS);
    }

    /**
     * Settles incarnation {@code n}, whose main process has ended: its exit status from disk, the state it
     * ends in, and a restart if its policy asks for one.
     */
    private void settle(int n) {
        Job j = job;
        Instant ended = Instant.now(); // before indexing the last output, which may take a while
        awaitShim();
        Long code = Spawner.readNumber(Spawner.exitFile(dir, n));
        if (code == null && !j.stopRequested && failReason == null && j.pid != null
                && ProcStat.alive(j.pid, j.pidStart == null ? -1 : j.pidStart) && ShimProcesses.belongsTo(j.pid, id, n)) {
            // The shim was killed but the job runs on: its end could never be recorded, so it is stopped.
            failReason = "its bgrun-shim was killed, so its exit could not be recorded; stopped it";
            killTree();
        }
        sv.index(this, n, true); // never throws: a full disk must not keep the job from ending
        settled = n;
        cancelTimers();
        env = Map.of(); // the incarnation's environment is needed no more; an ended job keeps none of it
        j.endedAt = ended;
        j.exitCode = code == null ? null : code.intValue();
        j.signal = code != null && code > 128 && code <= 128 + Signals.names().size()
                ? Signals.names().get((int) (code - 129)) : null;
        String why = exitReason(j);
        JobState end = j.stopRequested ? JobState.STOPPED
                : failReason == null && j.spec.succeeded(j.exitCode) ? JobState.EXITED : JobState.FAILED;
        if (!j.stopRequested && shouldRestart(j.spec, end, j.restarts)) {
            Duration ran = Duration.between(incarnationStart, ended);
            streak = Backoff.stable(ran, j.spec.get(JobKeys.BACKOFF_MAX_MS)) ? 0 : streak + 1;
            Duration delay = Backoff.delay(j.spec.get(JobKeys.BACKOFF_MS), j.spec.get(JobKeys.BACKOFF_MAX_MS), streak - 1);
            j.transition(JobState.RESTARTING, why + "; restart " + (j.restarts + 1) + " in " + delay.toMillis() + "ms");
            persist();
            scheduleRestart(n, delay);
            return;
        }
        Integer max = j.spec.get(JobKeys.MAX_RESTARTS);
        boolean gaveUp = !j.stopRequested && max != null && j.restarts >= max && shouldRestart(j.spec, end, -1);
        if (gaveUp && end == JobState.EXITED) {
            end = JobState.FAILED; // restart = "always" ran out of restarts: the job did not stay up
        }
        j.transition(end, gaveUp ? why + "; gave up after " + j.restarts + " restarts (max-restarts)" : why);
        persist();
    }

    void scheduleRestart(int n, Duration delay) {
        restartTimer = sv.timers().schedule(() -> mailbox.post(() -> restartDue(n)), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits (bounded) for the shim to end, so its exit file is complete. */
    private void awaitShim() {
        Job j = job;
        try {
            if (j.shimPid != null) { // a zombie counts as ended: the exit watcher reaps it
                long start = j.shimStart == null ? -1 : j.shimStart;
                Stopper.waitUntil(() -> !ProcStat.alive(j.shimPid, start), Duration.ofSeconds(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops the current incarnation as the user asked: returns once no process of its tree is left and the
     * end is recorded (stopped). A job with no process (waiting, restarting, not launched yet) just stops.
     */
    private void stopNow() {
        Job j = job;
        if (j.state.terminal()) {
            return;
        }
        j.stopRequested = true;
        cancelTimers();
        int n = j.incarnation;
        if (j.state == JobState.RESTARTING || j.state == JobState.WAITING || j.pid == null) {
            settled = Math.max(settled, n);
            j.endedAt = Instant.now();
            j.transition(JobState.STOPPED, "stopped by user");
            persist();
            return;
        }
        killTree();
        settle(n);
    }

    /** stop-signal to the job's group, its grace, then KILL to the group and any escaped descendant. */
    private void killTree() {
        Job j = job;
        if (j.pid == null) {
            return;
        }
        Long shimPid = j.shimPid;
        long shimStart = j.shimStart == null ? -1 : j.shimStart;
        try {
            boolean gone = Stopper.stop(j.pid, j.pidStart == null ? -1 : j.pidStart, j.spec.get(JobKeys.STOP_SIGNAL),
                    j.spec.get(JobKeys.STOP_TIMEOUT), () -> shimPid == null || !ProcStat.alive(shimPid, shimStart));
            if (!gone) {
                sv.log().accept("job " + id + ": processes of its tree were still alive after KILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void cancelTimers() {
        for (ScheduledFuture<?> f : new ScheduledFuture<?>[]{restartTimer, runtimeLimit, readyTimeout, health}) {
            if (f != null) {
                f.cancel(false);
            }
        }
        restartTimer = runtimeLimit = readyTimeout = health = null;
        dropReadiness();
    }

    private void dropReadiness() {
        if (readinessListener != null) {
            logs().removeListener(readinessListener);
            readinessListener = null;
        }
        if (readiness != null) {
            readiness.cancel();
            readiness = null;
        }
    }

    private String exitReason(Job j) {
        if (j.stopRequested) {
            return "stopped by user";
        }
        if (failReason != null) {
            return failReason;
        }
        if (j.exitCode == null) {
            String cause = IoErrors.cannotWrite(dir); // the shim writes nothing when it cannot write exit.N
            return cause == null ? "exit status unknown (the shim ended without recording it)"
                    : "the exit status could not be recorded: " + cause;
        }
        if (j.signal != null) {
            return "killed by signal SIG" + j.signal + " (exit status " + j.exitCode + ")";
        }
        return "exited with code " + j.exitCode;
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

    private void applyLogLimits() {
        logLimits(logs(), job);
    }

    private static void logLimits(LogStore store, Job j) {
        store.limits(j.spec.get(JobKeys.LOG_MAX_SIZE_MB) * 1024L * 1024L, j.spec.get(JobKeys.LOG_MAX_FILES));
    }

    private void writeKeeper(int n, long pid) {
        try {
            Files.writeString(Spawner.keeperFile(dir, n), pid + "\n");
        } catch (IOException e) {
            sv.log().accept("job " + id + ": cannot write its stdin keeper file: " + e.getMessage());
        }
    }

    /**
     * Marks the record as changed: it is saved once, when the message ends (a start's running and ready are
     * one write). What must be on disk before something happens uses {@link #persistNow()}.
     */
    void persist() {
        dirty = true;
    }

    /** Saves the record now: the write-ahead of a spawn. */
    void persistNow() {
        dirty = true;
        flush();
    }

    /** Saves the record if a message changed it; runs after every message. */
    private void flush() {
        if (!dirty || removed || job == null || job.snapshot() == null) {
            return;
        }
        dirty = false;
        try {
            sv.store().save(id, job.snapshot().record());
        } catch (RuntimeException e) {
            sv.log().accept("cannot persist job " + id + ": " + e.getMessage());
        }
    }

    // =====================================================================================================
    // Recovery: what a dead daemon left (runs as a message, before the scheduler resumes)

    /**
     * Rebuilds the truth about the recorded incarnation: its shim still runs (adopt it), it ended while no
     * daemon watched (settle from its exit file), it was recorded but never spawned (start it now), or its job
     * runs without a shim (stop it: its exit could never be known).
     */
    void recover() {
        Job j = job;
        if (!j.state.alive() || j.state == JobState.WAITING) {
            return;
        }
        int n = j.incarnation;
        incarnationStart = j.startedAt != null ? j.startedAt : Instant.now();
        if (j.state == JobState.RESTARTING) {
            settled = n;
            scheduleRestart(n, Duration.ZERO);
            return;
        }
        try {
            env = Launcher.environment(sv, j);
        } catch (IOException | RuntimeException e) {
            sv.log().accept("job " + id + ": cannot rebuild its environment: " + e.getMessage());
        }
        ShimProcesses.Found found = ShimProcesses.find(sv.root().dir(), dir, n, j.shimPid, j.shimStart);
        if (found == null && j.legacyWrapper && j.shimStart != null && ProcStat.alive(j.shimPid, j.shimStart)) {
            found = new ShimProcesses.Found(j.shimPid, j.shimStart, dir, n); // an older daemon's wrapper, by pid and start time
        }
        if (j.pid == null) {
            j.pid = Spawner.readNumber(Spawner.pidFile(dir, n));
            j.pidStart = j.pid == null ? null : ProcStat.startTime(j.pid);
        }
        if (found != null) {
            j.shimPid = found.pid();
            j.shimStart = found.start();
            sv.log().accept("re-adopting job " + id + " (" + j.name + "), pid " + j.pid);
            sv.exits().onExit(found.pid(), found.start()).thenRun(() -> mailbox.post(() -> exited(n)));
            if (j.state == JobState.STARTING && j.pid != null) {
                j.startedAt = Instant.now();
                j.transition(JobState.RUNNING, "spawned pid " + j.pid + " (re-adopted)");
            }
            persist();
            arm(n);
            return;
        }
        if (Files.exists(Spawner.exitFile(dir, n))) {
            settle(n); // it ended while no daemon watched: its exit file says how
            return;
        }
        if (j.state == JobState.STARTING && j.pid == null) {
            // Recorded, never spawned: the daemon died in between. Start it now, as was asked.
            settled = n;
            launch(prepare());
            return;
        }
        settle(n); // ended with no record of how, or runs on without its shim (settle stops it)
    }

    /** Kills a stray incarnation {@code n} of this job (a twin nobody records): its tree, then its shim. */
    void killStray(int n, long shimPid) {
        Long pid = Spawner.readNumber(Spawner.pidFile(dir, n));
        Job j = job;
        sv.log().accept("job " + id + ": stopping stray incarnation " + n + " (shim " + shimPid + ", pid " + pid + ")");
        try {
            if (pid != null && ShimProcesses.belongsTo(pid, id, n)) { // never a reused pid
                Stopper.stop(pid, ProcStat.startTime(pid), "KILL", Duration.ZERO, () -> true);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Posix.kill((int) shimPid, 9);
    }
}
