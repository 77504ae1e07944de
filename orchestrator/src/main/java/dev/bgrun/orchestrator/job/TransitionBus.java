package dev.bgrun.orchestrator.job;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Hands every job transition to whoever listens (the scheduler, the event log, run-group watchers). Listeners
 * are called on the job's own mailbox thread, which holds no lock, in the order the job made its transitions;
 * they must only hand the transition on (queue it, append it), never block on another job.
 */
public final class TransitionBus {
    private final List<Consumer<Transition>> listeners = new CopyOnWriteArrayList<>();

    public void publish(Transition transition) {
        for (Consumer<Transition> listener : listeners) {
            listener.accept(transition);
        }
    }

    public void subscribe(Consumer<Transition> listener) {
        listeners.add(listener);
    }

    public void unsubscribe(Consumer<Transition> listener) {
        listeners.remove(listener);
    }
}
