package dev.bgrun.orchestrator.readiness;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * All of a job's readiness rules for one incarnation, checked in parallel: the log rules on each line as it
 * is indexed, the probes by polling (at once, then every few milliseconds, backing off to each probe's longest pause: 10 to 20 ms for a
 * port, file or URL, 250 ms for a command). When every
 * rule has held once, {@code onReady} runs, once. The deadline is the caller's (ready-timeout), which asks
 * {@link #pending()} to name what did not hold. {@code onReady} is called without this object's lock held.
 */
public final class Readiness {
    private static final long FIRST_PAUSE_MS = 2;

    private final String substring;
    private final Pattern regex;
    private final List<Probe> probes;
    private final boolean[] probeHeld;
    private boolean substringHeld;
    private boolean regexHeld;
    private String matchedLine;
    private final Consumer<String> onReady;
    /** Each probe's next scheduled poll. */
    private final ScheduledFuture<?>[] next;
    private boolean done;

    /**
     * @param substring ready-when, or null
     * @param regex     ready-when-regex, or null
     * @param onReady   told why, once, when every rule holds
     */
    public Readiness(String substring, Pattern regex, List<Probe> probes, Consumer<String> onReady) {
        this.substring = substring;
        this.regex = regex;
        this.probes = List.copyOf(probes);
        this.probeHeld = new boolean[probes.size()];
        this.next = new ScheduledFuture<?>[probes.size()];
        this.substringHeld = substring == null;
        this.regexHeld = regex == null;
        this.onReady = onReady;
    }

    /** Starts polling the probes (each on its own virtual thread, so a slow one does not hold up another). */
    public void start(ScheduledExecutorService timers) {
        String why;
        synchronized (this) {
            for (int i = 0; i < probes.size(); i++) {
                int index = i;
                next[index] = timers.schedule(() -> Thread.ofVirtual().start(() -> poll(timers, index, FIRST_PAUSE_MS)),
                        0, TimeUnit.MILLISECONDS);
            }
            why = settle();
        }
        tell(why);
    }

    /** Whether there are log rules (ready-when, ready-when-regex) to hand lines to. */
    public boolean watchesLines() {
        return substring != null || regex != null;
    }

    private void tell(String why) {
        if (why != null) {
            onReady.accept(why);
        }
    }

    private void poll(ScheduledExecutorService timers, int index, long pause) {
        synchronized (this) {
            if (done) {
                return;
            }
        }
        boolean holds = probes.get(index).holds();
        String why;
        synchronized (this) {
            if (done) {
                return;
            }
            if (!holds) {
                long after = Math.min(probes.get(index).maxPauseMillis(), pause * 2);
                next[index] = timers.schedule(() -> Thread.ofVirtual().start(() -> poll(timers, index, after)),
                        pause, TimeUnit.MILLISECONDS);
                return;
            }
            probeHeld[index] = true;
            why = settle();
        }
        tell(why);
    }

    /** Checks one line of output against the log rules. */
    public void line(long number, String text) {
        String why;
        synchronized (this) {
            if (done) {
                return;
            }
            boolean matched = false;
            if (!substringHeld && text.contains(substring)) {
                substringHeld = matched = true;
            }
            if (!regexHeld && regex.matcher(text).find()) {
                regexHeld = matched = true;
            }
            if (!matched) {
                return;
            }
            matchedLine = "line " + number + " matched: " + (text.length() <= 120 ? text : text.substring(0, 117) + "...");
            why = settle();
        }
        tell(why);
    }

    /** When every rule has held (the first time): marks done and returns why; else null. */
    private String settle() {
        if (done || !substringHeld || !regexHeld) {
            return null;
        }
        for (boolean held : probeHeld) {
            if (!held) {
                return null;
            }
        }
        done = true;
        cancelPolls();
        List<String> why = new ArrayList<>();
        if (matchedLine != null) {
            why.add(matchedLine);
        }
        probes.forEach(p -> why.add(p.describe() + " held"));
        return why.isEmpty() ? "ready" : String.join("; ", why);
    }

    /** The rules that have not held, named for a timeout message. */
    public synchronized List<String> pending() {
        List<String> pending = new ArrayList<>();
        if (!substringHeld) {
            pending.add("ready-when (\"" + substring + "\")");
        }
        if (!regexHeld) {
            pending.add("ready-when-regex (" + regex.pattern() + ")");
        }
        for (int i = 0; i < probes.size(); i++) {
            if (!probeHeld[i]) {
                pending.add(probes.get(i).describe());
            }
        }
        return pending;
    }

    /** Stops checking (the job ended, was stopped, or timed out). */
    public synchronized void cancel() {
        done = true;
        cancelPolls();
    }

    private void cancelPolls() {
        for (ScheduledFuture<?> f : next) {
            if (f != null) {
                f.cancel(false);
            }
        }
    }
}
