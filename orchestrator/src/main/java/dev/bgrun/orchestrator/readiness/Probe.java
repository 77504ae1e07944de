package dev.bgrun.orchestrator.readiness;

/**
 * A readiness rule checked by polling: a TCP port, a URL, a file, a command. {@link Readiness} polls it at
 * once, then fast, then backing off, until it holds or the deadline passes.
 */
public interface Probe {
    /** The rule's key and value, as messages name it: {@code ready-when-port (8080)}. */
    String describe();

    /** Whether the rule holds now. Must return within about a second; a failure to check is "does not hold". */
    boolean holds();

    /**
     * The longest pause between two polls once backed off. Cheap local checks (a connect, a GET, a stat) keep
     * it short so readiness is seen within milliseconds; a command, which costs a process, polls less often.
     */
    default long maxPauseMillis() {
        return 250;
    }
}
