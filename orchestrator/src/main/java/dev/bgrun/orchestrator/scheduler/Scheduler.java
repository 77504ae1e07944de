package dev.bgrun.orchestrator.scheduler;

import dev.bgrun.orchestrator.config.Dependency;
import dev.bgrun.orchestrator.job.JobState;
import dev.bgrun.orchestrator.job.JobView;
import dev.bgrun.orchestrator.job.Transition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Starts waiting jobs when their {@code after} conditions hold and blocks them when one never can. It runs on
 * one thread and is woken by every transition; each pass repeats until nothing changes, so a block spreads
 * through the whole graph (dependents of dependents) within one pass, each with the root cause. It decides on
 * the jobs' snapshots and acts by messages to the jobs themselves (a job only starts or blocks if it still
 * waits when its own actor handles the message); it waits for its blocks to be recorded before looking again.
 */
public final class Scheduler implements AutoCloseable {

    /** What the scheduler needs of the supervisor. */
    public interface Jobs {
        Collection<? extends JobView> all();

        /** The job a dependent's {@code after} name refers to, or null when there is none. */
        JobView dependency(JobView dependent, String name);

        /** Starts a job that is still waiting (and does nothing otherwise); must not block. */
        void start(JobView waiting);

        /** Blocks a job that is still waiting; done once the job has recorded it. */
        Future<?> block(JobView waiting, String reason, Map<String, Object> rootCause);
    }

    private final Jobs jobs;
    private final Consumer<String> log;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("bgrun-scheduler").daemon(true).factory());
    private final AtomicBoolean queued = new AtomicBoolean();
    /** While jobs are being read back after a daemon restart, a dependency may not be known yet: no passes. */
    private final java.util.concurrent.atomic.AtomicInteger holds = new java.util.concurrent.atomic.AtomicInteger();

    public Scheduler(Jobs jobs, Consumer<String> log) {
        this.jobs = jobs;
        this.log = log;
    }

    /** A transition happened somewhere: look at the waiting jobs again (passes coalesce). */
    public void onTransition(Transition transition) {
        poke();
    }

    public void poke() {
        if (queued.compareAndSet(false, true)) {
            thread.execute(this::pass);
        }
    }

    /**
     * Holds passes while jobs are being registered (a group, or the records read back after a daemon restart):
     * a dependency that is not visible yet must not block its dependent. Holds nest; each needs its resume.
     */
    public void suspend() {
        holds.incrementAndGet();
    }

    public void resume() {
        holds.decrementAndGet();
        poke();
    }

    /** Returns once every pass asked for before this call has run (so blocks caused by a failure are done). */
    public void barrier() throws InterruptedException {
        try {
            thread.submit(() -> { }).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private void pass() {
        queued.set(false);
        if (holds.get() > 0) {
            return; // resume() asks for a pass
        }
        try {
            boolean changed = true;
            while (changed) {
                List<Future<?>> blocks = new ArrayList<>();
                for (JobView job : jobs.all()) {
                    if (job.state() == JobState.WAITING) {
                        Future<?> block = decide(job);
                        if (block != null) {
                            blocks.add(block);
                        }
                    }
                }
                changed = !blocks.isEmpty();
                for (Future<?> block : blocks) {
                    awaitBlock(block);
                }
            }
        } catch (RuntimeException e) {
            log.accept("scheduler pass failed: " + e);
        }
    }

    /** A job's actor records a block within milliseconds; one busy longer is logged, not waited for. */
    private void awaitBlock(Future<?> block) {
        try {
            block.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.accept("scheduler: a block was not recorded in time: " + e);
        }
    }

    /** Starts or blocks one waiting job when its conditions say so; the block's completion when it blocked it. */
    private Future<?> decide(JobView job) {
        List<String> pending = new ArrayList<>();
        for (Dependency edge : job.spec().after()) {
            EdgeStatus status = status(job, edge);
            switch (status.verdict()) {
                case NEVER -> {
                    return jobs.block(job, "blocked: " + status.why(), status.rootCause());
                }
                case PENDING -> pending.add(edge.job());
                case HOLDS -> { }
            }
        }
        if (pending.isEmpty()) {
            jobs.start(job);
        }
        return null;
    }

    /** Where one edge of a waiting job stands. */
    public EdgeStatus status(JobView job, Dependency edge) {
        JobView dependency = jobs.dependency(job, edge.job());
        if (dependency == null) {
            return new EdgeStatus(EdgeStatus.Verdict.NEVER, "no job \"" + edge.job() + "\" in workspace "
                    + job.workspace() + " (it was removed)", Map.of("job", edge.job(), "state", "missing",
                    "reason", "no such job"));
        }
        return EdgeStatus.of(dependency, edge.settled(dependency.spec().oneshot()).condition());
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
