package dev.bgrun.orchestrator.events;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

class EventLogTest {
    @TempDir
    Path dir;

    @Test
    void idsGoOnAfterAReopenAndACutLineIsSkipped() throws IOException {
        List<String> problems = new ArrayList<>();
        try (EventLog log = new EventLog(dir, problems::add)) {
            for (int i = 1; i <= 3; i++) {
                assertThat(log.append(EventType.NOTIFY, Map.of("message", "m" + i)).get("cursor")).isEqualTo(Integer.toString(i));
            }
        }
        // A daemon killed mid-write leaves half a line.
        Files.writeString(dir.resolve("events.ndjson"), "{\"id\":4,\"cur", StandardOpenOption.APPEND);
        try (EventLog log = new EventLog(dir, problems::add)) {
            assertThat(log.lastId()).isEqualTo(3);
            assertThat(log.since(1, 10)).extracting(e -> e.get("message")).containsExactly("m2", "m3");
            List<Map<String, Object>> heard = new ArrayList<>();
            log.subscribe(heard::add);
            log.append(EventType.TRANSITION, Map.of("to", "ready"));
            assertThat(heard).singleElement().satisfies(e -> assertThat(e.get("id")).isEqualTo(4L));
            assertThat(log.since(3, 10)).hasSize(1);
        }
        try (EventLog log = new EventLog(dir, problems::add)) {
            assertThat(log.lastId()).isEqualTo(4); // the event after the cut line was not swallowed by it
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void theEventsKeptInMemoryReadBackAsAppendedAndOlderOnesFromTheFiles() throws IOException {
        try (EventLog log = new EventLog(dir, m -> { })) {
            int total = EventLog.KEPT_IN_MEMORY + 5;
            for (int i = 1; i <= total; i++) {
                log.append(EventType.TRANSITION, Map.of("job", "j" + i, "incarnation", i));
            }
            // A follower that fell behind memory is told so; one within it reads the events as they were.
            assertThat(log.recent(0, 10)).isNull();
            List<Map<String, Object>> last = log.recent(total - 3, 10);
            assertThat(last).extracting(e -> ((Number) e.get("id")).longValue()).containsExactly(total - 2L, total - 1L, (long) total);
            assertThat(last.getLast()).containsEntry("job", "j" + total).containsEntry("type", "transition")
                    .containsEntry("cursor", Integer.toString(total));
            assertThat(((Number) last.getLast().get("incarnation")).intValue()).isEqualTo(total);
            // since reads what left memory from events.ndjson.
            assertThat(log.since(0, 3)).extracting(e -> e.get("job")).containsExactly("j1", "j2", "j3");
            assertThat(log.since(total, 10)).isEmpty();
        }
    }

    @Test
    void pagesAfterACursorReadEveryEventOnceInOrderAcrossTheRotatedFile() throws IOException {
        try (EventLog log = new EventLog(dir, m -> { })) {
            String pad = "x".repeat(800);
            int total = EventLog.KEPT_IN_MEMORY + 2_000; // about 12 MB: the first 8 MiB moved to events.1.ndjson
            for (int i = 1; i <= total; i++) {
                log.append(EventType.NOTIFY, Map.of("message", pad + i));
            }
            assertThat(dir.resolve("events.1.ndjson")).exists();
            List<Long> ids = new ArrayList<>();
            long cursor = 0;
            while (true) {
                List<Map<String, Object>> page = log.since(cursor, 700);
                if (page.isEmpty()) {
                    break;
                }
                page.forEach(e -> ids.add(((Number) e.get("id")).longValue()));
                cursor = ids.getLast();
            }
            assertThat(ids).containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
        }
    }

    @Test
    void aScanOfTheFilesLosesNothingToARotationWhileItReads() throws IOException {
        try (EventLog log = new EventLog(dir, m -> { })) {
            for (int i = 1; i <= EventLog.KEPT_IN_MEMORY + 10; i++) {
                log.append(EventType.NOTIFY, Map.of("message", "m" + i));
            }
            String pad = "y".repeat(5_000);
            List<Long> seen = new ArrayList<>();
            log.scan(0, event -> {
                if (seen.isEmpty()) {
                    for (int i = 0; i < 2_000; i++) { // 10 MB while the scan reads: the file it reads is rotated
                        log.append(EventType.NOTIFY, Map.of("message", pad));
                    }
                    assertThat(dir.resolve("events.1.ndjson")).exists();
                }
                seen.add(((Number) event.get("id")).longValue());
                return true;
            });
            assertThat(seen).hasSizeGreaterThan(EventLog.KEPT_IN_MEMORY + 10)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, seen.size()).boxed().toList());
        }
    }

    @Test
    void aLineIsSkippedByItsLeadingIdOnlyWhenItHasOne() {
        assertThat(EventLog.leadingId("{\"id\":12,\"cursor\":\"12\"}")).isEqualTo(12);
        assertThat(EventLog.leadingId("{\"id\":4,\"cur")).isEqualTo(4);
        assertThat(EventLog.leadingId("{\"id\":4")).isEqualTo(Long.MAX_VALUE); // cut in the id: parsed, and dropped
        assertThat(EventLog.leadingId("{\"cursor\":\"1\",\"id\":1}")).isEqualTo(Long.MAX_VALUE);
        assertThat(EventLog.leadingId("{\"id\":,")).isEqualTo(Long.MAX_VALUE);
    }
}
