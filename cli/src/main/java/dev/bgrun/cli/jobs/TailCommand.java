package dev.bgrun.cli.jobs;

import dev.bgrun.cli.DaemonAccess;
import dev.bgrun.cli.Output;
import dev.bgrun.cli.ProjectArgs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code bgrun tail}: a job's last lines, and with {@code --follow} the new ones as they come. */
@Command(name = "tail", description = "Show a job's last output lines; --follow streams new ones until the job ends.",
        footerHeading = "%nExamples:%n", footer = {"  bgrun tail web", "  bgrun tail web --lines 100", "  bgrun tail web --follow"})
public final class TailCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "JOB", description = "Id, id prefix, NAME or WORKSPACE/NAME.")
    private String ref;

    @Option(names = {"-l", "--lines"}, paramLabel = "N", defaultValue = "20", description = "How many lines (default: ${DEFAULT-VALUE}).")
    private int lines;

    @Option(names = "--follow", description = "Keep printing new lines until the job ends (NDJSON in JSON mode).")
    private boolean follow;

    @Override
    @SuppressWarnings("unchecked")
    public void run() {
        Output out = ProjectArgs.root(spec).output();
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("ref", ref);
        args.put("lines", lines);
        args.put("follow", follow);
        if (follow) {
            DaemonAccess.stream(spec, "tail", args, item -> {
                print(out, (Map<String, Object>) item);
                return true;
            });
            return;
        }
        Map<String, Object> answer = (Map<String, Object>) DaemonAccess.call(spec, "tail", args);
        if (out.json()) {
            out.data(answer);
            return;
        }
        for (Map<String, Object> line : (List<Map<String, Object>>) answer.get("lines")) {
            print(out, line);
        }
        long total = ((Number) answer.get("total_lines")).longValue();
        long shown = ((Number) answer.get("shown")).longValue();
        if (total > shown) {
            Map<String, Object> files = (Map<String, Object>) answer.get("files");
            out.note(out.dim("(" + shown + " of " + total + " lines; full log: " + files.get("stdout") + ", " + files.get("stderr") + ")"));
        }
    }

    private static void print(Output out, Map<String, Object> line) {
        if (out.json()) {
            out.data(line);
        } else {
            String text = (String) line.get("content");
            out.line("stderr".equals(line.get("stream")) ? out.red(text) : text);
        }
    }
}
