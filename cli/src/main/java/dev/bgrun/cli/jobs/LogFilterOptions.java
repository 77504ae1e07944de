package dev.bgrun.cli.jobs;

import dev.bgrun.cli.Output;
import picocli.CommandLine.Option;

import java.util.Map;

/** The options that choose and clean up lines, shared by tail and diff. */
public final class LogFilterOptions {
    @Option(names = "--stream", paramLabel = "S", description = "Only lines of this stream: stdout or stderr.")
    String stream;

    @Option(names = "--level", paramLabel = "LEVEL", description = "Only lines that look like errors (error) or like warnings or errors (warn).")
    String level;

    @Option(names = "--filter-regex", paramLabel = "REGEX", description = "Only lines in which this regex is found.")
    String regex;

    @Option(names = "--strip-ansi", description = "Remove terminal escape sequences (colours) from the text.")
    boolean stripAnsi;

    /** Adds the filter to a request's args. */
    void addTo(Map<String, Object> args) {
        args.put("stream", stream);
        args.put("level", level);
        args.put("filter_regex", regex);
        args.put("strip_ansi", stripAnsi);
    }

    /** Prints one line for people: errors in red, warnings in yellow, stderr in red when not otherwise marked. */
    static void print(Output out, Map<String, Object> line) {
        if (out.json()) {
            out.data(line);
            return;
        }
        String text = (String) line.get("content");
        var level = dev.bgrun.orchestrator.logs.Level.of(text);
        if (level == dev.bgrun.orchestrator.logs.Level.ERROR || "stderr".equals(line.get("stream")) && level == null) {
            text = out.red(text);
        } else if (level == dev.bgrun.orchestrator.logs.Level.WARN) {
            text = out.yellow(text);
        }
        out.line(text);
    }
}
