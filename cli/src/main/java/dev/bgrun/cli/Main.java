package dev.bgrun.cli;

/** The {@code bgrun} entry point. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(Cli.execute(args, Invocation.local()));
    }
}
