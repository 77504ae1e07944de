package dev.bgrun.orchestrator.logs;

import java.util.regex.Pattern;

/** Terminal escape sequences in output: colours, cursor moves, titles (OSC), so they can be stripped on read. */
public final class Ansi {
    // CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \), other two-byte escapes, and the 8-bit CSI.
    private static final Pattern ESCAPE = Pattern.compile(
            "\u001B\\[[0-?]*[ -/]*[@-~]|\u001B\\][^\u0007\u001B]*(?:\u0007|\u001B\\\\)?|\u001B[@-Z\\\\-_]|\u009B[0-?]*[ -/]*[@-~]");

    private Ansi() {
    }

    public static String strip(String text) {
        return text.indexOf('\u001B') < 0 && text.indexOf('\u009B') < 0 ? text : ESCAPE.matcher(text).replaceAll("");
    }
}
