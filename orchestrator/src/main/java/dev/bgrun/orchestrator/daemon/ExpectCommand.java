package dev.bgrun.orchestrator.daemon;

import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import dev.bgrun.orchestrator.job.JobState;
import dev.bgrun.orchestrator.logs.LogLine;
import dev.bgrun.orchestrator.logs.LogStore;
import dev.bgrun.orchestrator.messages.ExpectAnswer;
import dev.bgrun.orchestrator.messages.Line;
import dev.bgrun.orchestrator.supervisor.Job;
import dev.bgrun.orchestrator.supervisor.Supervisor;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code expect}: waits for a line of a job's output that contains a text (or in which a regex is found),
 * written from now on or, with {@code from_start}, at any time; ends at once, unmatched, when the job ends.
 */
final class ExpectCommand {
    private static final int SCAN_WINDOW = 5000;
    private final Supervisor supervisor;

    ExpectCommand(Supervisor supervisor) {
        this.supervisor = supervisor;
    }

    void register(Map<String, Handler> handlers) {
        handlers.put("expect", (a, r) -> expect(new Args(a), r));
    }

    private Object expect(Args a, Handler.Responder responder) throws InterruptedException {
        Job job = supervisor.resolve(a.required("ref"), a.string("current_workspace"));
        Predicate<String> matches = matcher(a.string("text"), a.string("regex"));
        long deadline = System.nanoTime() + a.millis("timeout_ms", 30_000).toNanos();
        long begun = System.nanoTime();
        LogStore logs = supervisor.logs(job);
        Wakeup wakeup = new Wakeup();
        Consumer<LogLine> listener = line -> wakeup.raise(); // a signal only: the scan reads the lines from the store
        logs.addListener(listener); // first: no line falls between the scan and the live ones
        try {
            logs.catchUp(job.incarnation(), false);
            long after = a.flag("from_start") ? 0 : logs.lineCount();
            while (true) {
                // Lines after the last one looked at, in windows: a long log is never read whole at once.
                List<LogLine> lines = logs.range(after + 1, SCAN_WINDOW);
                for (LogLine line : lines) {
                    after = line.number();
                    if (matches.test(line.text())) {
                        return answer(job, begun, "matched", line);
                    }
                }
                if (lines.size() == SCAN_WINDOW) {
                    continue;
                }
                JobState state = job.state();
                if (state.terminal()) {
                    logs.catchUp(job.incarnation(), true);
                    if (logs.lineCount() > after) {
                        continue; // its last lines first
                    }
                    return answer(job, begun, "ended", null);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return answer(job, begun, "timed_out", null);
                }
                if (!wakeup.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS)
                        && !responder.open()) {
                    return null; // the client left while the job was silent: free the handler now, not at the timeout
                }
            }
        } finally {
            logs.removeListener(listener);
        }
    }

    private static Predicate<String> matcher(String text, String regex) {
        if ((text == null) == (regex == null)) {
            throw new BgrunException(ErrorType.UsageError, "expect: give a text or a regex, not both or neither");
        }
        if (text != null) {
            return line -> line.contains(text);
        }
        try {
            Pattern pattern = Pattern.compile(regex);
            return line -> pattern.matcher(line).find();
        } catch (PatternSyntaxException e) {
            throw new BgrunException(ErrorType.UsageError, "--regex: " + e.getDescription() + " at index " + e.getIndex()
                    + " in \"" + regex + "\"");
        }
    }

    private static ExpectAnswer answer(Job job, long begun, String outcome, LogLine line) {
        Map<String, Object> view = job.view(false);
        return new ExpectAnswer(line != null, outcome.equals("timed_out"), outcome.equals("ended"), Line.of(line),
                line == null ? null : line.number(),
                line == null ? null : line.text(), // the reference tool's field, beside "line"
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begun), job.id(), job.name(),
                (String) view.get("state"), (String) view.get("reason"));
    }
}
