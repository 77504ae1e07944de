package dev.bgrun.orchestrator.daemon;

import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import dev.bgrun.orchestrator.job.JobState;
import dev.bgrun.orchestrator.logs.Level;
import dev.bgrun.orchestrator.logs.LineFilter;
import dev.bgrun.orchestrator.logs.LogLine;
import dev.bgrun.orchestrator.logs.LogReads;
import dev.bgrun.orchestrator.logs.LogStore;
import dev.bgrun.orchestrator.messages.Artifact;
import dev.bgrun.orchestrator.messages.DiffAnswer;
import dev.bgrun.orchestrator.messages.FollowEnd;
import dev.bgrun.orchestrator.messages.Line;
import dev.bgrun.orchestrator.messages.ScreenAnswer;
import dev.bgrun.orchestrator.messages.SendAnswer;
import dev.bgrun.orchestrator.messages.TailAnswer;
import dev.bgrun.orchestrator.messages.TailDigest;
import dev.bgrun.orchestrator.supervisor.Job;
import dev.bgrun.orchestrator.supervisor.Supervisor;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The protocol commands that read a job's output or write its input: tail, diff, screen, send. */
final class LogCommands {
    private static final int DIFF_DEFAULT_LINES = 1000;
    /**
     * How many lines a follower reads from the store at a time, so all it ever holds: 64 lines (64 MiB at
     * worst, of 1 MiB lines; a few KiB as lines usually are), whatever its client does.
     */
    static final int FOLLOW_BATCH = 64;
    private final Supervisor supervisor;

    LogCommands(Supervisor supervisor) {
        this.supervisor = supervisor;
    }

    void register(Map<String, Handler> handlers) {
        handlers.put("tail", (a, r) -> tail(new Args(a), r));
        handlers.put("diff", (a, r) -> diff(new Args(a)));
        handlers.put("screen", (a, r) -> screen(new Args(a)));
        handlers.put("send", (a, r) -> send(new Args(a)));
    }

    private Job job(Args a) {
        return supervisor.resolve(a.required("ref"), a.string("current_workspace"));
    }

    /** The filter a read's args ask for: stream, level, filter_regex, strip_ansi. */
    static LineFilter filter(Args a) {
        String stream = a.string("stream");
        if (stream != null && !stream.equals("stdout") && !stream.equals("stderr")) {
            throw new BgrunException(ErrorType.UsageError, "--stream: unknown stream \"" + stream + "\"", "streams: stdout, stderr");
        }
        String levelWord = a.string("level");
        Level level = levelWord == null ? null : Level.fromKeyword(levelWord);
        if (levelWord != null && level == null) {
            throw new BgrunException(ErrorType.UsageError, "--level: unknown level \"" + levelWord + "\"",
                    "levels: error (errors only), warn (warnings and errors)");
        }
        String regex = a.string("filter_regex");
        Pattern pattern = null;
        if (regex != null) {
            try {
                pattern = Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw new BgrunException(ErrorType.UsageError, "--filter-regex: " + e.getDescription() + " at index "
                        + e.getIndex() + " in \"" + regex + "\"");
            }
        }
        return new LineFilter(stream, level, pattern, a.flag("strip_ansi"));
    }

    /** The lines arg: how many lines, at least {@code min}. */
    private static int lines(Args a, int fallback, int min) {
        return a.count("lines", fallback, min, Integer.MAX_VALUE);
    }

    /** The line a tail starts after: {@code since_line}, or the last line before {@code since_time}. */
    private static long since(Args a, LogStore logs) {
        Instant time = a.time("since_time");
        if (time != null) {
            return logs.firstLineAtOrAfter(time) - 1;
        }
        return a.number("since_line", 0, 0, Bounds.MAX_LINE);
    }

    private Object tail(Args a, Handler.Responder responder) throws InterruptedException {
        Job job = job(a);
        LogStore logs = supervisor.logs(job);
        int lines = lines(a, 20, 0);
        LineFilter filter = filter(a);
        if (a.flag("follow")) {
            return follow(job, logs, filter, lines, since(a, logs), a.flag("keep"), responder);
        }
        logs.catchUp(job.incarnation(), false);
        long after = since(a, logs);
        if (a.flag("digest")) {
            Map<String, Object> d = LogReads.digest(logs, filter, after);
            return new TailDigest(((Number) d.get("lines")).longValue(), ((Number) d.get("errors")).longValue(),
                    ((Number) d.get("warnings")).longValue(), line(d, "first_line"), line(d, "last_error"),
                    line(d, "last_warning"), line(d, "last_line"), logs.lineCount(), Artifact.of(logs.artifact()));
        }
        LogReads.Tail tail = LogReads.last(logs, filter, lines, after);
        List<LogLine> shown = tail.lines();
        long first = Math.max(after + 1, logs.firstLine());
        long considered = Math.max(0, logs.lineCount() - first + 1);
        String summary = null;
        if (tail.earlier()) {
            summary = ((filter.selects() ? "Showing the last " + shown.size() + " matching lines; more match among the "
                    + considered + " lines" : "Showing " + shown.size() + " of " + considered + " lines") + " of " + job.name()
                    + "; full log: " + logs.file("stdout") + ", " + logs.file("stderr"));
        }
        return new TailAnswer(shown.stream().map(Line::of).toList(), logs.lineCount(), logs.firstLine(), shown.size(),
                tail.earlier(), summary, Artifact.of(logs.artifact()));
    }

    /**
     * The last lines, then new ones as they come, until the job ends (or, with keep, until the caller leaves).
     * The lines are read from the store, at most {@link #FOLLOW_BATCH} at a time, at the client's own pace: the
     * store only raises a {@link Wakeup} (no line is decoded for it), so a client that stops reading holds one
     * batch, however much the job writes meanwhile. A client slower than rotation sees a gap in the line
     * numbers (those lines are gone from the disk too).
     */
    private Object follow(Job job, LogStore logs, LineFilter filter, int lines, long since, boolean keep,
                          Handler.Responder responder) throws InterruptedException {
        Wakeup wakeup = new Wakeup();
        Runnable raise = wakeup::raise;
        logs.addWakeup(raise); // makes indexing immediate; it carries no line
        try {
            logs.catchUp(job.incarnation(), false);
            long last;
            if (filter.selects()) {
                // The last matching lines need a backward search; then on from the end as it was.
                last = Math.max(since, logs.lineCount());
                for (LogLine line : LogReads.last(logs, filter, lines, since).lines()) {
                    if (line.number() <= last && !responder.item(line.toJson())) {
                        return null;
                    }
                }
            } else {
                last = Math.max(since, logs.lineCount() - lines); // the last lines come in batches like the new ones
            }
            while (true) {
                List<LogLine> batch = logs.range(last + 1, FOLLOW_BATCH);
                if (!batch.isEmpty()) {
                    for (LogLine line : batch) {
                        LogLine shown = filter.apply(line);
                        if (shown != null && !responder.item(shown.toJson())) {
                            return null;
                        }
                    }
                    last = batch.getLast().number();
                    continue;
                }
                JobState state = job.state();
                if (state.terminal() && !keep) {
                    logs.catchUp(job.incarnation(), true);
                    if (logs.lineCount() > last) {
                        continue; // its last lines first
                    }
                    return new FollowEnd(true, state.keyword(), logs.lineCount());
                }
                if (supervisor.job(job.id()) == null) {
                    return new FollowEnd(true, "removed", logs.lineCount());
                }
                if (!wakeup.await(200, TimeUnit.MILLISECONDS) && !responder.open()) {
                    return null; // the client left while the job was silent
                }
            }
        } finally {
            logs.removeWakeup(raise);
        }
    }

    @SuppressWarnings("unchecked")
    private static Line line(Map<String, Object> digest, String key) {
        return Line.of((Map<String, Object>) digest.get(key));
    }

    private Object diff(Args a) {
        Job job = job(a);
        LogStore logs = supervisor.logs(job);
        logs.catchUp(job.incarnation(), false);
        String name = a.string("name") == null ? "default" : a.string("name");
        long given = a.number("cursor", -1, -1, Bounds.MAX_LINE);
        boolean explicit = given >= 0;
        long cursor = explicit ? given : logs.cursors().get(name);
        boolean reset = cursor > logs.lineCount(); // a cursor of another log (a job made again under this name)
        if (reset) {
            cursor = 0;
        }
        int max = lines(a, DIFF_DEFAULT_LINES, 1);
        LineFilter filter = filter(a);
        // skip: the reader wants only what comes from now on; the cursor moves to the end, no line is read.
        LogReads.Slice slice = a.flag("skip") ? new LogReads.Slice(List.of(), logs.lineCount(), false, 0)
                : LogReads.after(logs, cursor, filter, max);
        if (!explicit) {
            logs.cursors().put(name, slice.cursor());
        }
        String summary = slice.more() ? "Showing " + slice.lines().size() + " new lines of " + job.name() + "; "
                + (logs.lineCount() - slice.cursor()) + " more after cursor " + slice.cursor() + "." : null;
        return new DiffAnswer(slice.cursor(), slice.lines().stream().map(Line::of).toList(), slice.more(), slice.missed(),
                reset, logs.lineCount(), explicit ? null : name, summary, slice.more() ? Artifact.of(logs.artifact()) : null,
                job.state().keyword());
    }

    private Object screen(Args a) {
        Job job = job(a);
        LogStore logs = supervisor.logs(job);
        int lines = lines(a, 20, 0);
        logs.catchUp(job.incarnation(), false); // new bytes only: the lines themselves come from memory
        boolean memory = logs.screenInMemory(lines);
        List<LogLine> shown = logs.screen(lines);
        LineFilter filter = new LineFilter(null, null, null, a.flag("strip_ansi"));
        return new ScreenAnswer(shown.stream().map(filter::apply).map(Line::of).toList(), memory ? "memory" : "disk",
                job.state().keyword(), logs.lineCount());
    }

    private Object send(Args a) throws InterruptedException {
        Job job = job(a);
        String data = a.string("data") == null ? "" : a.string("data");
        if (a.flag("enter")) {
            data += "\n";
        }
        int written = supervisor.send(job, data.getBytes(java.nio.charset.StandardCharsets.UTF_8), a.flag("eof"),
                a.millis("timeout_ms", 10_000));
        return new SendAnswer(true, written, a.flag("eof"));
    }
}
