package dev.bgrun.cli;

/** Runs a {@code bgrun} command in this JVM; the thin client ({@link dev.bgrun.cli.client.BgrunClient}) is the usual entry point. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(runHere(args));
    }

    /** Runs the command in this JVM (no daemon needed, or none running), returning its exit code. */
    public static int runHere(String[] args) {
        return Cli.execute(args, Invocation.local());
    }
}
