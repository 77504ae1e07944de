package dev.bgrun.orchestrator.config;

import java.util.List;
import java.util.Locale;

/** Signal names bgrun accepts for {@code stop-signal} and {@code kill -s}, with their Linux numbers. */
public final class Signals {
    /** Name and number, in the order {@code kill -l} lists them. */
    private static final List<String> NAMES = List.of(
            "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE",
            "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ",
            "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS");

    private Signals() {
    }

    /** The canonical name ({@code TERM}) of {@code TERM}, {@code SIGTERM}, {@code sigterm} or {@code 15}; null if none. */
    public static String canonical(String text) {
        String s = text.strip().toUpperCase(Locale.ROOT);
        if (s.startsWith("SIG")) {
            s = s.substring(3);
        }
        if (s.matches("\\d{1,2}")) {
            int n = Integer.parseInt(s);
            return n >= 1 && n <= NAMES.size() ? NAMES.get(n - 1) : null;
        }
        return NAMES.contains(s) ? s : null;
    }

    /** The Linux signal number of a canonical name. */
    public static int number(String canonicalName) {
        int index = NAMES.indexOf(canonicalName);
        if (index < 0) {
            throw new IllegalArgumentException("not a signal: " + canonicalName);
        }
        return index + 1;
    }

    public static List<String> names() {
        return NAMES;
    }
}
