package dev.bgrun.cli.stack;

import dev.bgrun.cli.Output;
import dev.bgrun.cli.jobs.Views;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The human view of a group coming up: one line per transition with the time since the start and, on a
 * terminal, a status line below them that keeps counting (which jobs are still on their way).
 */
final class GroupProgress implements AutoCloseable {
    private final Output out;
    private final boolean toStderr;
    private final int nameWidth;
    private final long begun = System.nanoTime();
    private final Map<String, String> states = new LinkedHashMap<>();
    private final ScheduledExecutorService ticker;

    GroupProgress(Output out, boolean toStderr, List<String> names, int nameWidth) {
        this.out = out;
        this.toStderr = toStderr;
        this.nameWidth = nameWidth;
        names.forEach(n -> states.put(n, "pending"));
        if (out.liveStatus()) {
            ticker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon(true).factory());
            ticker.scheduleAtFixedRate(this::redraw, 100, 100, TimeUnit.MILLISECONDS);
        } else {
            ticker = null;
        }
    }

    /** One transition event from the daemon. */
    synchronized void transition(Map<String, Object> event) {
        String name = (String) event.get("job");
        String to = (String) event.get("to");
        states.put(name, to);
        long ms = ((Number) event.get("elapsed_ms")).longValue();
        String line = out.dim(String.format("%7.2fs", ms / 1000.0)) + "  " + pad(name) + "  "
                + pad10(Views.state(out, to)) + "  " + out.dim(String.valueOf(event.get("reason")));
        print(line);
    }

    /** A line of the group's own (for up: a job's output), printed above the status line. */
    synchronized void print(String line) {
        if (ticker != null) {
            out.clearStatus();
        }
        if (toStderr) {
            out.note(line);
        } else {
            out.line(line);
        }
        redraw();
    }

    private synchronized void redraw() {
        if (ticker == null) {
            return;
        }
        List<String> pending = states.entrySet().stream()
                .filter(e -> !settled(e.getValue())).map(Map.Entry::getKey).toList();
        if (pending.isEmpty()) {
            out.clearStatus();
            return;
        }
        double secs = (System.nanoTime() - begun) / 1e9;
        out.status(out.dim(String.format("%.1fs", secs) + " · " + (states.size() - pending.size()) + "/" + states.size()
                + " settled · waiting on " + String.join(", ", pending.subList(0, Math.min(4, pending.size())))
                + (pending.size() > 4 ? ", ..." : "")));
    }

    /** A state after which a job of a group coming up needs nothing more (its target or an end). */
    private static boolean settled(String state) {
        return switch (state) {
            case "ready", "exited", "failed", "stopped", "blocked" -> true;
            default -> false;
        };
    }

    private String pad(String name) {
        return name + " ".repeat(Math.max(0, nameWidth - name.length()));
    }

    private static String pad10(String painted) {
        int visible = painted.replaceAll("\u001b\\[[0-9;]*m", "").length();
        return painted + " ".repeat(Math.max(0, 10 - visible));
    }

    @Override
    public synchronized void close() {
        if (ticker != null) {
            ticker.shutdownNow();
            out.clearStatus();
        }
    }
}
