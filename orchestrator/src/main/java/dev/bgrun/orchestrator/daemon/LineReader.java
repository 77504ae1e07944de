package dev.bgrun.orchestrator.daemon;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads newline-terminated UTF-8 lines with a length cap, so one huge line cannot exhaust memory. An
 * over-long line is skipped to its newline, so the next line can still be read.
 */
final class LineReader {
    /** A line longer than the cap. */
    static final class TooLong extends IOException {
        TooLong(int max) {
            super("line longer than " + max + " bytes");
        }
    }

    private final InputStream in;
    private final int max;
    private final byte[] buffer = new byte[8192];
    private int position;
    private int limit;

    LineReader(InputStream in, int max) {
        this.in = in;
        this.max = max;
    }

    private void skipRestOfLine() throws IOException {
        while (true) {
            while (position < limit) {
                if (buffer[position++] == '\n') {
                    return;
                }
            }
            limit = in.read(buffer);
            position = 0;
            if (limit <= 0) {
                limit = 0;
                return;
            }
        }
    }

    /** The next line without its newline, or null at end of input (a last line without newline is returned). */
    String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            if (position == limit) {
                limit = in.read(buffer);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
                }
            }
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            line.write(buffer, start, position - start);
            if (line.size() > max) {
                skipRestOfLine();
                throw new TooLong(max);
            }
            if (position < limit) {
                position++;
                return line.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
