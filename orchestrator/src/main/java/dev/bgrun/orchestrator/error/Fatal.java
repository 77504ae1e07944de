package dev.bgrun.orchestrator.error;

import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

/**
 * The errors the daemon does not try to live with. A daemon with a dead internal thread (the log indexer, the
 * socket acceptor, the scheduler) or after an OutOfMemoryError answers some requests and not others, and
 * nothing tells the user; a daemon that exits is replaced by the next command, which re-adopts every job. So
 * such an error is logged in one line and the process halts at once (no shutdown hooks, no more allocation
 * than the line).
 */
public final class Fatal {
    /** The daemon's exit status when it halts on a fatal error (EX_SOFTWARE). */
    public static final int EXIT_STATUS = 70;

    private Fatal() {
    }

    /**
     * Whether nothing may catch it and go on: the JVM itself failed (out of memory, an internal error). A stack
     * overflow is not: it unwinds the one thread that overflowed (a request's deep regex), which is then fine.
     */
    public static boolean fatal(Throwable e) {
        return e instanceof VirtualMachineError && !(e instanceof StackOverflowError);
    }

    /** For a catch-all: lets a fatal error go on to the thread's end (and so to {@link #install}'s handler). */
    public static void rethrowIfFatal(Throwable e) {
        if (fatal(e)) {
            throw (VirtualMachineError) e;
        }
    }

    /**
     * Makes every uncaught Error, and any uncaught throwable on one of the daemon's own platform threads
     * ({@code bgrun-*}), end the process. Other threads (a connection's virtual thread) only log.
     */
    public static void install(Consumer<String> log) {
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            if (e instanceof Error || (!thread.isVirtual() && thread.getName().startsWith("bgrun-"))) {
                halt(log, "thread " + thread.getName() + " died of " + e);
            } else {
                log.accept("thread " + thread.getName() + " failed: " + e);
            }
        });
    }

    /** Logs one line and halts; the halt happens even if logging fails (out of memory). */
    public static void halt(Consumer<String> log, String why) {
        try {
            log.accept("fatal: " + why + "; exiting at once (the next command starts a new daemon, which re-adopts the jobs)");
        } finally {
            Runtime.getRuntime().halt(EXIT_STATUS);
        }
    }

    /**
     * A scheduled pool whose tasks' fatal errors are not kept in their futures (where nobody would look) but
     * halt the daemon: a periodic task that died would otherwise silently never run again.
     */
    public static ScheduledExecutorService timers(int threads, ThreadFactory factory, Consumer<String> log) {
        return new ScheduledThreadPoolExecutor(threads, factory) {
            @Override
            protected void afterExecute(Runnable task, Throwable thrown) {
                Throwable failure = thrown;
                if (failure == null && task instanceof Future<?> future && future.isDone() && !future.isCancelled()) {
                    try {
                        future.get();
                    } catch (java.util.concurrent.ExecutionException e) {
                        failure = e.getCause();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                if (failure instanceof Error) {
                    halt(log, "a timer task died of " + failure);
                }
            }
        };
    }
}
