package dev.bgrun.orchestrator.supervisor;

import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import dev.bgrun.orchestrator.error.Fatal;

import java.util.ArrayDeque;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A job's serial executor: messages run one at a time, in the order they were posted, on a virtual thread
 * that exists only while there is work. The queue's lock is a leaf: it is held to add or take a message,
 * never while one runs, so a message may post to any mailbox (its own included) without deadlock.
 *
 * <p>Bounded: at most {@link #CAPACITY} messages wait. Internal events (exits, timers, readiness) are few per
 * incarnation; what can flood a mailbox is requests, and a request past the bound is refused with a
 * {@code Busy} error (retryable) rather than queued without end.
 */
final class Mailbox {
    static final int CAPACITY = 4096;

    private final String name;
    private final Consumer<String> log;
    /** Runs after each message (the actor saves what the message changed, once). */
    private final Runnable afterEach;
    /** Small at first (it grows when needed): a mailbox is mostly empty, and the daemon keeps one per job. */
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>(2);
    private boolean draining;

    Mailbox(String name, Consumer<String> log, Runnable afterEach) {
        this.name = name;
        this.log = log;
        this.afterEach = afterEach;
    }

    /** Queues an event; never refused (events are bounded by the job's own activity). */
    void post(Runnable message) {
        enqueue(message, false);
    }

    /** Queues a request and returns its answer-to-be; refused when the mailbox is full. */
    <T> CompletableFuture<T> ask(Callable<T> request) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        enqueue(() -> {
            T value = null;
            Throwable failure = null;
            try {
                value = request.call();
            } catch (Throwable e) {
                Fatal.rethrowIfFatal(e);
                failure = e;
            }
            afterEach.run(); // what the request changed is saved before its caller hears the answer
            if (failure != null) {
                answer.completeExceptionally(failure);
            } else {
                answer.complete(value);
            }
        }, true);
        return answer;
    }

    private void enqueue(Runnable message, boolean bounded) {
        boolean start;
        synchronized (queue) {
            if (bounded && queue.size() >= CAPACITY) {
                throw new BgrunException(ErrorType.Busy, "job " + name + " has " + CAPACITY
                        + " requests waiting; try again once they are answered");
            }
            queue.add(message);
            start = !draining;
            draining = true;
        }
        if (start) {
            Thread.ofVirtual().name("bgrun-job-" + name).start(this::drain);
        }
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (queue) {
                next = queue.poll();
                if (next == null) {
                    draining = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (Throwable e) {
                Fatal.rethrowIfFatal(e); // ends the thread: the daemon halts rather than run on half-alive
                log.accept("job " + name + ": a message failed: " + Supervisor.trace(e));
            }
            try {
                afterEach.run();
            } catch (Throwable e) {
                Fatal.rethrowIfFatal(e);
                log.accept("job " + name + ": after a message: " + Supervisor.trace(e));
            }
        }
    }
}
