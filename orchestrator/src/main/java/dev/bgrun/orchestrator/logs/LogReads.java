package dev.bgrun.orchestrator.logs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads over a {@link LogStore} with a {@link LineFilter}: the last N matching lines, the lines after a
 * cursor, and a digest. They read the index in blocks, so a filter that matches little still costs a few
 * large reads per block rather than two system calls per line.
 */
public final class LogReads {
    private static final int BLOCK = 2048;

    private LogReads() {
    }

    /**
     * Lines read after a cursor.
     *
     * @param lines  the lines shown
     * @param cursor the number of the last line looked at: the next read starts after it, so lines the filter
     *               left out are never looked at twice, and a capped read resumes where it stopped
     * @param more   whether lines after the cursor were left for the next read (the cap was reached)
     * @param missed how many lines after the caller's cursor had already been rotated away
     */
    public record Slice(List<LogLine> lines, long cursor, boolean more, long missed) {
    }

    /**
     * The last lines a filter shows.
     *
     * @param lines   oldest first
     * @param earlier whether more lines the filter shows come before them
     */
    public record Tail(List<LogLine> lines, boolean earlier) {
    }

    /** The last {@code n} lines the filter shows, from lines after {@code after} only. */
    public static Tail last(LogStore logs, LineFilter filter, int n, long after) {
        long first = Math.max(after + 1, logs.firstLine());
        if (!filter.selects()) {
            long from = Math.max(first, logs.lineCount() - n + 1);
            List<LogLine> lines = n <= 0 ? List.of() : logs.range(from, n).stream().map(filter::apply).toList();
            return new Tail(lines, from > first && logs.lineCount() >= first);
        }
        // One match more than asked: it says whether any come before the ones shown.
        List<LogLine> found = new ArrayList<>();
        for (long end = logs.lineCount(); end >= first && found.size() <= n; end -= BLOCK) {
            long start = Math.max(first, end - BLOCK + 1);
            List<LogLine> block = logs.range(start, (int) (end - start + 1));
            for (int i = block.size() - 1; i >= 0 && found.size() <= n; i--) {
                LogLine shown = filter.apply(block.get(i));
                if (shown != null) {
                    found.add(shown);
                }
            }
        }
        boolean earlier = found.size() > n;
        if (earlier) {
            found.removeLast();
        }
        Collections.reverse(found);
        return new Tail(found, earlier);
    }

    /** Up to {@code max} lines the filter shows after line {@code cursor}. */
    public static Slice after(LogStore logs, long cursor, LineFilter filter, int max) {
        long first = logs.firstLine();
        long missed = Math.max(0, first - 1 - cursor);
        long at = Math.max(cursor, first - 1);
        long count = logs.lineCount();
        List<LogLine> lines = new ArrayList<>();
        while (at < count && lines.size() < max) {
            for (LogLine line : logs.range(at + 1, (int) Math.min(BLOCK, count - at))) {
                at = line.number();
                LogLine shown = filter.apply(line);
                if (shown != null) {
                    lines.add(shown);
                    if (lines.size() == max) {
                        break;
                    }
                }
            }
        }
        return new Slice(lines, at, at < count, missed);
    }

    /** Counts of errors and warnings, the last error, the first and last lines, over the lines kept after {@code after}. */
    public static Map<String, Object> digest(LogStore logs, LineFilter filter, long after) {
        long errors = 0, warnings = 0, shown = 0;
        LogLine lastError = null, lastWarning = null, firstLine = null, lastLine = null;
        long count = logs.lineCount();
        for (long at = Math.max(after + 1, logs.firstLine()); at <= count; at += BLOCK) {
            for (LogLine line : logs.range(at, BLOCK)) {
                LogLine l = filter.apply(line);
                if (l == null) {
                    continue;
                }
                shown++;
                if (firstLine == null) {
                    firstLine = l;
                }
                lastLine = l;
                Level level = Level.of(l.text());
                if (level == Level.ERROR) {
                    errors++;
                    lastError = l;
                } else if (level == Level.WARN) {
                    warnings++;
                    lastWarning = l;
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("lines", shown);
        out.put("errors", errors);
        out.put("warnings", warnings);
        out.put("first_line", firstLine == null ? null : firstLine.toJson());
        out.put("last_error", lastError == null ? null : lastError.toJson());
        out.put("last_warning", lastWarning == null ? null : lastWarning.toJson());
        out.put("last_line", lastLine == null ? null : lastLine.toJson());
        return out;
    }
}
