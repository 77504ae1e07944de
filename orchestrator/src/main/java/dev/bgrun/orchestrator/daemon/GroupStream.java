package dev.bgrun.orchestrator.daemon;

import dev.bgrun.orchestrator.events.EventLog;
import dev.bgrun.orchestrator.logs.LogLine;
import dev.bgrun.orchestrator.logs.LogStore;
import dev.bgrun.orchestrator.messages.Group;
import dev.bgrun.orchestrator.messages.Line;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * What a {@code run_group} client is streamed: its members' transitions (read from the event log) and output
 * lines (read from their log stores), merged in time order, at the client's own pace. The listeners only raise
 * a {@link Wakeup}; the stream holds at most one batch per source, so a client that stops reading costs the
 * daemon nothing more while its jobs write on. A client so slow that the transitions after its cursor left
 * the event log's memory gets a {@code fell_behind} item with that cursor and goes on from the newest event.
 */
final class GroupStream implements AutoCloseable {
    /** Events read from the event log at a time (references to events it keeps anyway). */
    static final int EVENT_BATCH = 256;
    /** Lines read from a member's log at a time: what a stream holds per member (a few KiB as lines usually are). */
    static final int LINE_BATCH = 64;

    private final EventLog log;
    private final boolean transitions;
    private final long begunNanos;
    private final Predicate<String> member;
    private final Wakeup wakeup = new Wakeup();
    private final Consumer<Map<String, Object>> onEvent = event -> wakeup.raise();
    private final ArrayDeque<Map<String, Object>> events = new ArrayDeque<>();
    private final List<Lines> lines = new ArrayList<>();
    private long eventCursor;

    /** Starts listening: every transition from now on is the stream's, if it belongs to a member. */
    GroupStream(EventLog log, boolean transitions, long begunNanos, Predicate<String> member) {
        this.log = log;
        this.transitions = transitions;
        this.begunNanos = begunNanos;
        this.member = member;
        log.subscribe(onEvent);
        this.eventCursor = log.lastId();
    }

    /** Streams a member's output lines after line {@code after}. */
    void follow(String id, String name, LogStore logs, long after) {
        Lines source = new Lines(id, name, logs, after, wakeup::raise);
        logs.addWakeup(source.listener);
        lines.add(source);
    }

    /** Waits up to {@code nanos} for something new (a transition anywhere, a member's line). */
    void await(long nanos) throws InterruptedException {
        wakeup.await(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Sends what is there now (not what comes while it sends: a writer faster than the client never keeps the
     * caller from looking at its group), in time order; false once the client has gone.
     */
    boolean pump(Handler.Responder responder) {
        long eventLimit = log.lastId();
        for (Lines source : lines) {
            source.limit = source.logs.lineCount();
        }
        while (true) {
            Map<String, Object> event = transitions ? peekEvent(eventLimit, responder) : null;
            if (event == FELL_BEHIND_SENT_BUT_GONE) {
                return false;
            }
            Lines earliest = null;
            for (Lines source : lines) {
                LogLine head = source.peek();
                if (head != null && (earliest == null || head.timestamp().isBefore(earliest.peek().timestamp()))) {
                    earliest = source;
                }
            }
            if (event == null && earliest == null) {
                return true;
            }
            Record out;
            // A line read at the moment of a transition comes first: it is what made a log rule ready.
            if (earliest != null && (event == null || !earliest.peek().timestamp().isAfter(Instant.parse((String) event.get("at"))))) {
                out = earliest.take();
            } else {
                out = transition(events.poll());
            }
            if (!responder.item(out)) {
                return false;
            }
        }
    }

    private static final Map<String, Object> FELL_BEHIND_SENT_BUT_GONE = Map.of();

    /** The next member transition up to event {@code limit}, or null; refills from the log's memory. */
    private Map<String, Object> peekEvent(long limit, Handler.Responder responder) {
        while (events.isEmpty() && eventCursor < limit) {
            List<Map<String, Object>> batch = log.recent(eventCursor, EVENT_BATCH);
            if (batch == null) {
                String missed = Long.toString(eventCursor);
                eventCursor = log.lastId();
                if (!responder.item(new Group.FellBehind(missed, Long.toString(eventCursor)))) {
                    return FELL_BEHIND_SENT_BUT_GONE;
                }
                return null;
            }
            for (Map<String, Object> event : batch) {
                long id = ((Number) event.get("id")).longValue();
                if (id > limit) {
                    break;
                }
                eventCursor = id;
                if ("transition".equals(event.get("type")) && member.test((String) event.get("job_id"))) {
                    events.add(event);
                }
            }
            if (batch.isEmpty()) {
                break;
            }
        }
        return events.peek();
    }

    /** A transition event as the stream shows it (the shape of {@code Transition.toJson}, plus elapsed_ms). */
    private Group.Transition transition(Map<String, Object> event) {
        return Group.Transition.of(event, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begunNanos));
    }

    @Override
    public void close() {
        log.unsubscribe(onEvent);
        for (Lines source : lines) {
            source.logs.removeWakeup(source.listener);
        }
    }

    /** One member's lines: a batch at a time from its store, up to the line count when the pump began. */
    private static final class Lines {
        final String id;
        final String name;
        final LogStore logs;
        final Runnable listener;
        final ArrayDeque<LogLine> batch = new ArrayDeque<>();
        long last;
        long limit;

        Lines(String id, String name, LogStore logs, long after, Runnable listener) {
            this.id = id;
            this.name = name;
            this.logs = logs;
            this.last = after;
            this.listener = listener;
        }

        LogLine peek() {
            if (batch.isEmpty() && last < limit) {
                List<LogLine> read = logs.range(last + 1, (int) Math.min(LINE_BATCH, limit - last));
                batch.addAll(read);
                last = read.isEmpty() ? limit : read.getLast().number(); // rotated away: a gap, not a stall
            }
            return batch.peek();
        }

        Group.OutputLine take() {
            return new Group.OutputLine(name, id, Line.of(batch.poll()));
        }
    }
}
