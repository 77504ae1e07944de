package dev.bgrun.orchestrator.logs;

import java.util.regex.Pattern;

/**
 * Which lines a read shows and how ({@code tail}, {@code diff}, {@code screen}): one stream, at least a
 * level, matching a regex (searched for, not matched whole), with ANSI escapes stripped. Filters test the
 * text as shown, so a regex never has to allow for colour codes the reader asked to drop.
 *
 * @param stream    "stdout" or "stderr", or null for both
 * @param level     null for every line
 * @param regex     null for every line
 * @param stripAnsi remove terminal escape sequences from the text
 */
public record LineFilter(String stream, Level level, Pattern regex, boolean stripAnsi) {
    public static final LineFilter NONE = new LineFilter(null, null, null, false);

    /** Whether a line can be left out (so a read must scan rather than count). */
    public boolean selects() {
        return stream != null || level != null || regex != null;
    }

    /** The line as shown, or null if it is filtered out. */
    public LogLine apply(LogLine line) {
        if (stream != null && !stream.equals(line.stream())) {
            return null;
        }
        String text = stripAnsi ? Ansi.strip(line.text()) : line.text();
        if (level != null && !level.admits(Level.of(text))) {
            return null;
        }
        if (regex != null && !regex.matcher(text).find()) {
            return null;
        }
        return text == line.text() ? line : new LogLine(line.number(), line.stream(), line.timestamp(), line.incarnation(), text);
    }
}
