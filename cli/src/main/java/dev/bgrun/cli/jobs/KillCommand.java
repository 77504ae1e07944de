package dev.bgrun.cli.jobs;

import dev.bgrun.orchestrator.config.Signals;
import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Map;

/** {@code bgrun kill}: the reference's name for stop; with {@code -s SIG}, one signal to the job's group. */
@Command(name = "kill", description = "Stop jobs (as stop), or with -s send one signal to each job's process group.",
        footerHeading = "%nExamples:%n", footer = {"  bgrun kill web", "  bgrun kill -s USR1 worker", "  bgrun kill --workspace shop"})
public final class KillCommand extends StopCommand {
    @Option(names = {"-s", "--signal"}, paramLabel = "SIG", description = "Send this signal (TERM, HUP, USR1, 9...) and return.")
    private String signal;

    @Override
    String command() {
        return "kill";
    }

    @Override
    Map<String, Object> args() {
        Map<String, Object> args = super.args();
        if (signal != null) {
            String canonical = Signals.canonical(signal);
            if (canonical == null) {
                throw new BgrunException(ErrorType.UsageError, "unknown signal \"" + signal + "\"",
                        "signals: " + String.join(", ", Signals.names()));
            }
            args.put("signal", canonical);
        }
        return args;
    }
}
