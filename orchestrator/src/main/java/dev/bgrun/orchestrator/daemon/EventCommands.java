package dev.bgrun.orchestrator.daemon;

import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import dev.bgrun.orchestrator.events.EventLog;
import dev.bgrun.orchestrator.messages.Event;
import dev.bgrun.orchestrator.messages.EventsAnswer;
import dev.bgrun.orchestrator.messages.EventsFellBehind;
import dev.bgrun.orchestrator.supervisor.Supervisor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * {@code events}: the events after a cursor (every one exactly once, in order), filtered by job, workspace
 * and type; with {@code follow}, then every new one as it happens.
 */
final class EventCommands {
    /** How many events a follower takes from the log at a time; the log's memory holds the rest. */
    static final int FOLLOW_BATCH = 256;
    private final Supervisor supervisor;

    EventCommands(Supervisor supervisor) {
        this.supervisor = supervisor;
    }

    void register(Map<String, Handler> handlers) {
        handlers.put("events", (a, r) -> events(new Args(a), r));
    }

    private Object events(Args a, Handler.Responder responder) throws InterruptedException {
        EventLog log = supervisor.events();
        long cursor = cursor(a.string("since"), log);
        Predicate<Map<String, Object>> wanted = filter(a);
        int limit = a.count("limit", 1000, 1, (int) Bounds.MAX_EVENTS_PER_CALL);
        if (!a.flag("follow")) {
            long upTo = log.lastId(); // read first: an event appended meanwhile is the next call's
            // Typed as they are read: a record is a fraction of its map, and the answer may hold tens of thousands.
            List<Event> events = new ArrayList<>();
            log.scan(cursor, e -> {
                if (id(e) > upTo) {
                    return false;
                }
                if (wanted.test(e)) {
                    events.add(Event.of(e));
                }
                return events.size() < limit;
            });
            long last = events.size() == limit ? events.getLast().head().id() : Math.max(cursor, upTo);
            return new EventsAnswer(events, Long.toString(last));
        }
        Wakeup wakeup = new Wakeup();
        Consumer<Map<String, Object>> listener = event -> wakeup.raise(); // a signal only: events are read from the log
        log.subscribe(listener); // first, so nothing falls between the backlog and the live events
        try {
            long last = cursor;
            if (log.recent(cursor, 1) == null) {
                // An old cursor: the backlog from the files, once, an event at a time (8 MiB each, two of them).
                long[] sent = {cursor};
                boolean[] gone = {false};
                log.scan(cursor, event -> {
                    sent[0] = id(event);
                    gone[0] = wanted.test(event) && !responder.item(Event.of(event));
                    return !gone[0];
                });
                if (gone[0]) {
                    return null;
                }
                last = sent[0];
            }
            while (true) {
                List<Map<String, Object>> batch = log.recent(last, FOLLOW_BATCH);
                if (batch == null) {
                    return fellBehind(last, responder);
                }
                for (Map<String, Object> event : batch) {
                    last = id(event);
                    if (wanted.test(event) && !responder.item(Event.of(event))) {
                        return null;
                    }
                }
                if (batch.isEmpty() && !wakeup.await(1, TimeUnit.SECONDS) && !responder.open()) {
                    return null; // the client left while nothing happened
                }
            }
        } finally {
            log.unsubscribe(listener);
        }
    }

    /**
     * The follower read so slowly that events after its cursor left the log's memory: it gets a last record
     * with the cursor to resume from, and a {@code Busy} error that ends the stream. Reading the files for it
     * instead would let one slow client make the daemon parse megabytes per batch.
     */
    private static Object fellBehind(long cursor, Handler.Responder responder) {
        String at = Long.toString(cursor);
        responder.item(new EventsFellBehind(at, EventLog.KEPT_IN_MEMORY));
        throw new BgrunException(ErrorType.Busy, "events --follow fell behind: more than " + EventLog.KEPT_IN_MEMORY
                + " events came after cursor " + at + " while this client was not reading",
                "resume with: bgrun events --follow --since " + at, Map.of("cursor", at), null);
    }

    private static long id(Map<String, Object> event) {
        return ((Number) event.get("id")).longValue();
    }

    /** The cursor to start after: the one given, or the beginning. */
    private static long cursor(String since, EventLog log) {
        if (since == null || since.isEmpty()) {
            return 0;
        }
        if (since.equals("now")) {
            return log.lastId();
        }
        try {
            long c = Long.parseLong(since);
            if (c >= 0) {
                return c;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BgrunException(ErrorType.UsageError, "--since: not a cursor: \"" + since + "\"",
                "use the cursor of an earlier answer, or \"now\"");
    }

    private Predicate<Map<String, Object>> filter(Args a) {
        String ref = a.string("job");
        String jobId = ref == null ? null : supervisor.resolve(ref, a.string("current_workspace")).id();
        String workspace = a.string("workspace");
        List<String> types = a.strings("type");
        for (String t : types) {
            if (!EventLog.TYPES.contains(t)) {
                throw new BgrunException(ErrorType.UsageError, "unknown event type \"" + t + "\"", "types: " + String.join(", ", EventLog.TYPES));
            }
        }
        return e -> (jobId == null || jobId.equals(e.get("job_id")))
                && (workspace == null || workspace.equals(e.get("workspace")))
                && (types.isEmpty() || types.contains(e.get("type")));
    }
}
