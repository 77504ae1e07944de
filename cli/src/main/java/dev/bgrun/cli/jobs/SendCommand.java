package dev.bgrun.cli.jobs;

import dev.bgrun.cli.completion.JobRefs;

import dev.bgrun.cli.DaemonAccess;
import dev.bgrun.cli.Output;
import dev.bgrun.cli.ProjectArgs;
import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code bgrun send}: writes to a job's stdin (a job run with stdin = true). */
@Command(name = "send", description = "Write text to a job's stdin (the job needs stdin = true); --enter adds a newline, --eof closes it after.",
        footerHeading = "%nExamples:%n", footer = {"  bgrun send repl 'print(1)' --enter", "  bgrun send repl --enter",
        "  bgrun send sorter --eof"})
public final class SendCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JOB", completionCandidates = JobRefs.class, description = "Id, id prefix, NAME or WORKSPACE/NAME.")
    private String ref;

    @Parameters(index = "1", arity = "0..1", paramLabel = "TEXT", description = "What to write, as given (no newline unless --enter); - reads it from standard input.")
    private String text;

    @Option(names = {"--enter", "--newline"}, description = "Append a newline (press Return); alone, sends just the newline.")
    private boolean enter;

    @Option(names = "--eof", description = "After writing, close the job's stdin: it reads end-of-file.")
    private boolean eof;

    @Option(names = {"-t", "--timeout"}, paramLabel = "DURATION", defaultValue = "10s",
            description = "How long to wait while the job is not reading (its pipe is full); 124 after (default: ${DEFAULT-VALUE}).")
    private String timeout;

    /** At most this much is read from standard input: it goes to the daemon in one request. */
    private static final int MAX_STDIN = 512 * 1024;

    @Override
    @SuppressWarnings("unchecked")
    public void run() {
        if (text == null && !enter && !eof) {
            throw new BgrunException(ErrorType.UsageError, "nothing to send", "give TEXT, --enter or --eof");
        }
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("ref", ref);
        args.put("data", "-".equals(text) ? standardInput() : text);
        args.put("enter", enter);
        args.put("eof", eof);
        args.put("timeout_ms", dev.bgrun.cli.TimeoutOption.parse(timeout).toMillis());
        Map<String, Object> answer = (Map<String, Object>) DaemonAccess.call(spec, "send", args);
        Output out = ProjectArgs.root(spec).output();
        if (out.json()) {
            out.data(answer);
        } else {
            out.note("sent " + answer.get("bytes") + " bytes" + (eof ? " and closed stdin" : ""));
        }
    }

    private static String standardInput() {
        try {
            byte[] data = dev.bgrun.cli.Invocation.current().stdin().readNBytes(MAX_STDIN + 1);
            if (data.length > MAX_STDIN) {
                throw new BgrunException(ErrorType.UsageError, "standard input holds more than " + MAX_STDIN
                        + " bytes, more than one send takes", "send it in parts, or let the job read a file");
            }
            return new String(data, java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new BgrunException(ErrorType.IoError, "cannot read standard input: " + e.getMessage());
        }
    }
}
