package dev.bgrun.cli.jobs;

import dev.bgrun.cli.completion.JobRefs;
import dev.bgrun.cli.completion.Workspaces;

import dev.bgrun.cli.DaemonAccess;
import dev.bgrun.cli.Output;
import dev.bgrun.cli.ProjectArgs;
import dev.bgrun.orchestrator.daemon.Bounds;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code bgrun events}: job transitions and notifications after a cursor, as NDJSON; --follow keeps going. */
@Command(name = "events", description = "Print events (transitions, notifications) after a cursor, one JSON object a line; --follow streams new ones.",
        footerHeading = "%nExamples:%n",
        footer = {"  bgrun events                       every event kept, then the cursor to go on from",
                "  bgrun events --since 42 --job web  what happened to web since cursor 42",
                "  bgrun events --follow --type notify",
                "%nEach event has an id; its cursor is the id. Without --follow the last line is {\"cursor\":\"N\"}:",
                "pass it as --since next time to get every later event exactly once."})
public final class EventsCommand implements Runnable {
    /** How many events one call to the daemon asks for. */
    private static final long PAGE = 1000;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--since", paramLabel = "CURSOR", description = "Only events after this cursor (\"now\": only new ones).")
    private String since;

    @Option(names = "--follow", description = "Keep printing events as they happen.")
    private boolean follow;

    @Option(names = {"-j", "--job"}, paramLabel = "JOB", completionCandidates = JobRefs.class, description = "Only this job's events.")
    private String job;

    @Option(names = {"-w", "--workspace"}, paramLabel = "WS", completionCandidates = Workspaces.class, description = "Only this workspace's events.")
    private String workspace;

    @Option(names = "--type", paramLabel = "TYPE", description = "Only events of this type: transition, health, alert or notify (repeatable).")
    private List<String> types = new ArrayList<>();

    @Option(names = "--limit", paramLabel = "N", defaultValue = "1000", description = "At most N events without --follow (default: ${DEFAULT-VALUE}).")
    private long limit;

    @Override
    @SuppressWarnings("unchecked")
    public void run() {
        Output out = ProjectArgs.root(spec).output();
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("since", since);
        args.put("follow", follow);
        args.put("job", job);
        args.put("workspace", workspace);
        args.put("type", types);
        long wanted = Bounds.range("--limit", limit, 1, Bounds.MAX_EVENTS);
        if (follow) {
            args.put("limit", Math.min(wanted, Bounds.MAX_EVENTS_PER_CALL));
            DaemonAccess.stream(spec, "events", args, item -> {
                print(out, (Map<String, Object>) item);
                return true;
            });
            return;
        }
        // A page at a time, each printed before the next is asked for: the daemon never holds more than a page.
        Object cursor = since;
        long printed = 0;
        while (true) {
            long page = Math.min(PAGE, wanted - printed);
            args.put("since", cursor);
            args.put("limit", page);
            Map<String, Object> answer = (Map<String, Object>) DaemonAccess.call(spec, "events", args);
            List<Map<String, Object>> events = (List<Map<String, Object>>) answer.get("events");
            for (Map<String, Object> event : events) {
                print(out, event);
            }
            printed += events.size();
            cursor = answer.get("cursor");
            if (events.size() < page || printed >= wanted) {
                break;
            }
        }
        if (out.json()) {
            out.data(Map.of("cursor", cursor));
        } else {
            out.note(out.dim("cursor: " + cursor));
        }
    }

    @SuppressWarnings("unchecked")
    private static void print(Output out, Map<String, Object> e) {
        if (out.json()) {
            out.data(e);
            return;
        }
        if ("fell_behind".equals(e.get("type"))) {
            out.line(out.red("fell behind") + " after cursor " + e.get("cursor") + ": resume with bgrun events --follow --since "
                    + e.get("cursor"));
            return;
        }
        String what = switch (String.valueOf(e.get("type"))) {
            case "notify" -> out.cyan("notify") + " " + e.get("message");
            case "health" -> out.yellow("health") + " check failed " + e.get("failures") + "/" + e.get("threshold") + ": "
                    + String.join(", ", (List<String>) e.get("failed"));
            case "alert" -> out.red("alert") + " " + e.get("outcome") + ": " + Views.state(out, (String) e.get("state"))
                    + "  " + out.dim(String.valueOf(e.get("reason")));
            default -> (e.get("from") == null ? "" : e.get("from") + " ") + "-> " + Views.state(out, (String) e.get("to"))
                    + "  " + out.dim(String.valueOf(e.get("reason")));
        };
        out.line(out.dim(e.get("cursor") + "  " + e.get("at")) + "  " + out.bold(e.get("workspace") + "/" + e.get("job")) + "  " + what);
    }
}
