package dev.bgrun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** events: transitions and notify markers, each once, after a cursor that survives a daemon restart. */
class EventsIT {
    @TempDir
    Path tmp;

    @Test
    void concurrentWritersNotificationsArriveExactlyOnceThroughCursors() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            Set<String> expected = new HashSet<>();
            for (int w = 0; w < 4; w++) {
                String stream = w % 2 == 0 ? "" : " >&2"; // half of the writers mark on stderr
                d.run("--name", "w" + w, "--", "sh -c 'for i in $(seq 1 40); do echo noise $i; echo BGRUN_NOTIFY: w" + w
                        + "-$i" + stream + "; done'");
                for (int i = 1; i <= 40; i++) {
                    expected.add("w" + w + "-" + i);
                }
            }
            List<String> seen = new ArrayList<>();
            List<Long> ids = new ArrayList<>();
            String[] cursor = {"0"};
            // Poll with the cursor while the writers run, as an agent loop would, until every writer ended and
            // a last poll brings nothing new.
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
                boolean allEnded = d.bgrunLines("list").stream().allMatch(j -> j.get("state").asText().equals("exited"));
                List<JsonNode> answer = d.bgrunLines("events", "--since", cursor[0], "--type", "notify");
                JsonNode last = answer.getLast();
                for (JsonNode event : answer.subList(0, answer.size() - 1)) {
                    seen.add(event.get("message").asText());
                    ids.add(event.get("id").asLong());
                }
                boolean nothingNew = answer.size() == 1;
                cursor[0] = last.get("cursor").asText();
                return allEnded && nothingNew;
            });
            assertThat(seen).hasSize(160).doesNotHaveDuplicates();
            assertThat(new HashSet<>(seen)).isEqualTo(expected);
            assertThat(ids).isSorted();
            JsonNode one = d.bgrunLines("events", "--type", "notify", "--job", "w1").getFirst();
            assertThat(one.get("stream").asText()).isEqualTo("stderr");
            assertThat(one.get("job").asText()).isEqualTo("w1");
        }
    }

    @Test
    void aCursorSurvivesADaemonRestartAndFollowStreamsNewEvents() throws Exception {
        try (Daemon d = new Daemon(tmp)) {
            d.run("--name", "sleeper", "--", "exec sleep 300");
            d.awaitState("sleeper", "ready");
            List<JsonNode> before = d.bgrunLines("events");
            String cursor = before.getLast().get("cursor").asText();
            assertThat(before.subList(0, before.size() - 1)).extracting(e -> e.get("to").asText())
                    .containsExactly("starting", "running", "ready");
            d.json("daemon", "stop");

            try (Background follow = new Background(d.work, d.env(), "events", "--follow", "--since", cursor, "--job", "sleeper")) {
                d.json("stop", "sleeper"); // under a new daemon
                follow.awaitLine("\"to\":\"stopped\"");
                follow.terminate();
                List<String> lines = follow.lines();
                assertThat(lines).hasSize(1); // only what came after the cursor
                assertThat(Daemon.JSON.readTree(lines.getFirst()).get("id").asLong()).isGreaterThan(Long.parseLong(cursor));
            }

            List<JsonNode> after = d.bgrunLines("events", "--since", cursor);
            assertThat(after.subList(0, after.size() - 1)).extracting(e -> e.get("to").asText()).containsExactly("stopped");
            assertThat(d.bgrun("events", "--since", "yesterday").exitCode()).isEqualTo(2);
        }
    }

    @Test
    void aLimitBeyondOnePageIsReadPageByPageEachEventOnce() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            d.run("--name", "marks", "--", "sh -c 'i=0; while [ $i -lt 2500 ]; do i=$((i+1)); echo \"BGRUN_NOTIFY: n$i\"; done'");
            d.awaitState("marks", "exited");
            await().atMost(Duration.ofSeconds(60)).until(() -> d.bgrunLines("events", "--type", "notify", "--limit", "5000").size() == 2501);
            // 2,100 events: three pages of the daemon's (1,000 each), printed as one answer.
            List<JsonNode> first = d.bgrunLines("events", "--type", "notify", "--limit", "2100");
            assertThat(first).hasSize(2101);
            List<String> messages = new ArrayList<>();
            first.subList(0, 2100).forEach(e -> messages.add(e.get("message").asText()));
            String cursor = first.getLast().get("cursor").asText();
            assertThat(cursor).isEqualTo(first.get(2099).get("cursor").asText()); // a full answer goes on after its last event
            List<JsonNode> rest = d.bgrunLines("events", "--type", "notify", "--since", cursor, "--limit", "100000");
            rest.subList(0, rest.size() - 1).forEach(e -> messages.add(e.get("message").asText()));
            List<String> expected = new ArrayList<>();
            for (int i = 1; i <= 2500; i++) {
                expected.add("n" + i);
            }
            assertThat(messages).isEqualTo(expected);
        }
    }
}
