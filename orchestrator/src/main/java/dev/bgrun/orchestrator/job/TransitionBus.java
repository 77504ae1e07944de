package dev.bgrun.orchestrator.job;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Hands every job transition to whoever listens (the scheduler, the event log, run-group watchers). Listeners
 * are called on the job's own mailbox thread, in the order the jobs made their transitions visible; they must
 * only hand the transition on (queue it, append it), never block on another job nor publish.
 */
public final class TransitionBus {
    private final List<Consumer<Transition>> listeners = new CopyOnWriteArrayList<>();
    /**
     * Makes a transition visible and announces it as one step, for all jobs: a job that reacts to another's
     * new state (a dependent started because its dependency is ready) is announced after it, so streams and
     * the event log keep cause before effect. Held only to publish a snapshot and queue the transition; the
     * listeners take only their own leaf locks and never publish.
     */
    private final Object order = new Object();

    public void publish(Transition transition) {
        publish(transition, () -> { });
    }

    /** Runs {@code makeVisible} (the job's new snapshot), then hands the transition to every listener. */
    public void publish(Transition transition, Runnable makeVisible) {
        synchronized (order) {
            makeVisible.run();
            for (Consumer<Transition> listener : listeners) {
                listener.accept(transition);
            }
        }
    }

    public void subscribe(Consumer<Transition> listener) {
        listeners.add(listener);
    }

    public void unsubscribe(Consumer<Transition> listener) {
        listeners.remove(listener);
    }
}
