package dev.bgrun.cli;

import dev.bgrun.orchestrator.config.ConfigException;
import dev.bgrun.orchestrator.config.ConfigProblem;
import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.json.Json;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a command's results go: data on stdout, messages on stderr, JSON or human. Every command prints
 * through this one place, so the JSON envelope and the human forms stay the same everywhere.
 */
public final class Output {
    private final boolean json;
    private final boolean color;
    private final boolean errColor;
    private final boolean errTerminal;
    private final PrintWriter out;
    private final PrintWriter err;

    private Output(boolean json, boolean color, boolean errColor, boolean errTerminal, PrintWriter out, PrintWriter err) {
        this.json = json;
        this.color = color;
        this.errColor = errColor;
        this.errTerminal = errTerminal;
        this.out = out;
        this.err = err;
    }

    /** JSON when asked for, or by default when stdout is not a terminal; colour per stream, on terminals only. */
    static Output create(Boolean jsonFlag, PrintWriter out, PrintWriter err) {
        Invocation user = Invocation.current();
        boolean terminal = user.isTerminal(1);
        boolean json = jsonFlag != null ? jsonFlag : !terminal;
        boolean errTerminal = user.isTerminal(2);
        return new Output(json, !json && Terminal.colorAllowed(terminal, user.env()),
                !json && Terminal.colorAllowed(errTerminal, user.env()), errTerminal, out, err);
    }

    public boolean json() {
        return json;
    }

    /** Prints one JSON value as one line on stdout. */
    public void data(Object value) {
        out.println(toJson(value));
        out.flush();
    }

    /** Prints one JSON value per item, as NDJSON. */
    public void ndjson(Iterable<?> items) {
        for (Object item : items) {
            out.println(toJson(item));
        }
        out.flush();
    }

    /** Prints a line of the human view on stderr (progress, notes). */
    public void note(String text) {
        err.println(text);
        err.flush();
    }

    /** Prints a line of the human view on stdout. */
    public void line(String text) {
        out.println(text);
        out.flush();
    }

    /** Whether a status line can be redrawn in place on stderr (a terminal, human view). */
    public boolean liveStatus() {
        return !json && errTerminal;
    }

    /** Draws the status line on stderr in place of the last one. */
    public synchronized void status(String text) {
        err.print("\r\u001b[K" + text);
        err.flush();
    }

    /** Erases the status line, so a line printed next starts clean. */
    public synchronized void clearStatus() {
        err.print("\r\u001b[K");
        err.flush();
    }

    /** Reports an error in the current format and returns its exit code. */
    public int fail(BgrunException e) {
        if (json) {
            err.println(toJson(envelope(e)));
        } else if (e instanceof ConfigException config) {
            for (ConfigProblem problem : config.problems()) {
                err.println(errStyle("31", "error") + ": " + problem.render());
            }
            int n = config.problems().size();
            err.println(n + (n == 1 ? " problem" : " problems") + " found in " + config.details().get("file"));
        } else if (e.details().get("problems") instanceof java.util.List<?> problems) {
            // A validation error that crossed the socket: its problems are plain data now.
            for (Object problem : problems) {
                err.println(errStyle("31", "error") + ": " + ((Map<?, ?>) problem).get("text"));
            }
            err.println(e.getMessage());
        } else {
            err.println(errStyle("31", "error") + ": " + e.getMessage());
            if (e.hint() != null) {
                err.println(errStyle("2", "hint: " + e.hint()));
            }
            if (e.getCause() != null && Invocation.current().env("BGRUN_DEBUG") != null) {
                e.getCause().printStackTrace(err);
            }
        }
        err.flush();
        return e.type().exitCode();
    }

    /** The JSON error envelope: {@code {"ok":false,"error":{type,message,details:{...,hint,retryable}}}}. */
    public static Map<String, Object> envelope(BgrunException e) {
        Map<String, Object> details = new LinkedHashMap<>(e.details());
        details.put("hint", e.hint());
        details.put("retryable", e.type().retryable());
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("type", e.type().name());
        error.put("message", e.getMessage());
        error.put("details", details);
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("ok", false);
        envelope.put("error", error);
        return envelope;
    }

    public String bold(String s) {
        return style("1", s);
    }

    public String red(String s) {
        return style("31", s);
    }

    public String green(String s) {
        return style("32", s);
    }

    public String yellow(String s) {
        return style("33", s);
    }

    public String cyan(String s) {
        return style("36", s);
    }

    public String dim(String s) {
        return style("2", s);
    }

    private static final String[] PALETTE = {"36", "35", "33", "32", "34", "96", "95", "93", "92", "94"};

    /** One of a few distinct colours, so each job of {@code up} keeps its own. */
    public String palette(int index, String s) {
        return style(PALETTE[Math.floorMod(index, PALETTE.length)], s);
    }

    private String style(String code, String s) {
        return paint(color, code, s);
    }

    private String errStyle(String code, String s) {
        return paint(errColor, code, s);
    }

    private static String paint(boolean on, String code, String s) {
        return on ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
    }

    private static String toJson(Object value) {
        return Json.write(value);
    }
}
