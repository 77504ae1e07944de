package dev.bgrun.orchestrator.logs;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of a job's output.
 *
 * @param number      1-based, continuous across streams and incarnations
 * @param stream      "stdout" or "stderr"
 * @param timestamp   when bgrun read it (within milliseconds of the write while the daemon runs)
 * @param incarnation which run of the job wrote it
 * @param text        the line without its newline (and without a trailing carriage return)
 */
public record LogLine(long number, String stream, Instant timestamp, int incarnation, String text) {
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("line_number", number);
        m.put("stream", stream);
        m.put("timestamp", timestamp.toString());
        m.put("incarnation", incarnation);
        m.put("content", text);
        return m;
    }
}
