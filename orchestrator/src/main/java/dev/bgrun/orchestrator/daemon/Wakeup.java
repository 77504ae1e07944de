package dev.bgrun.orchestrator.daemon;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * "Something new is there": the only thing a stream's listener hands to its follower. It holds no data, so a
 * follower that stops reading costs nothing however much is written meanwhile; the follower reads what is new
 * from the store (log, event log) at its own pace. Raises coalesce: at most a few permits are ever held.
 */
final class Wakeup {
    private final Semaphore permits = new Semaphore(0);

    /** Called by a listener, on the writer's thread: never blocks, never allocates. */
    void raise() {
        if (permits.availablePermits() == 0) {
            permits.release(); // a race may add a second permit, never more than one per raiser
        }
    }

    /** Waits up to {@code timeout} for a raise since the last wait; true if there was one. */
    boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        boolean raised = permits.tryAcquire(timeout, unit);
        permits.drainPermits();
        return raised;
    }
}
