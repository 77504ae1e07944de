package dev.bgrun.orchestrator.messages;

import dev.bgrun.orchestrator.json.Json;
import dev.bgrun.orchestrator.schema.MessageSchemas;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The records write exactly the JSON the plain data they replace wrote, and their generated schemas say so. */
class MessagesTest {
    private static Map<String, Object> view(Object blockedBy) {
        return Json.object("id", "0123456789", "name", "web", "workspace", "shop", "state", "blocked", "reason", "why",
                "cmd", List.of("sleep", "1"), "pid", null, "pgid", null, "incarnation", 0, "restart_count", 0,
                "exit_code", null, "signal", null, "created_at", "2026-01-01T00:00:00Z", "started_at", null,
                "ready_at", null, "ended_at", null, "ports", Map.of("PORT", 8080), "blocked_by", blockedBy,
                "tags", List.of("t"), "cwd", "/w", "project", null);
    }

    @Test
    void aJobsFieldsAreWrittenAsItsViewWasInOrderWithNullsAndWithoutAMissingCause() {
        Map<String, Object> cause = Json.object("job", "db", "id", "9876543210", "state", "failed", "reason", "exit 1",
                "exit_code", 1);
        assertThat(Json.write(JobFields.of(view(cause)))).isEqualTo(Json.write(view(cause)));
        Map<String, Object> unblocked = view(null);
        unblocked.remove("blocked_by"); // the view leaves it out when there is none
        assertThat(Json.write(JobFields.of(view(null)))).isEqualTo(Json.write(unblocked));
    }

    @Test
    @SuppressWarnings("unchecked")
    void anUnwrappedComponentsFieldsComeAtItsPlaceInTheJsonAndInTheSchema() {
        Map<String, Object> written = Json.readObject(Json.write(new RunAnswer(JobFields.of(view(null)), true)));
        assertThat(written.keySet()).startsWith("id", "name").endsWith("project", "reused");
        Map<String, Object> schema = MessageSchemas.of(RunAnswer.class);
        assertThat(((Map<String, Object>) schema.get("properties")).keySet()).startsWith("id", "name").endsWith("env", "reused");
        assertThat((List<Object>) schema.get("required")).contains("id", "reused").doesNotContain("blocked_by", "env");
        assertThat(schema.get("additionalProperties")).isEqualTo(false);
        assertThat(schema).doesNotContainKey("allOf");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aTaggedItemsTypeIsAConstantAndANullableStateMayBeNull() {
        Map<String, Object> schema = MessageSchemas.of(Event.Transition.class);
        Map<?, ?> properties = (Map<?, ?>) schema.get("properties");
        assertThat(properties.get("type")).isEqualTo(Map.of("const", "transition"));
        assertThat((List<Object>) ((Map<?, ?>) properties.get("from")).get("enum")).contains("ready").containsNull();
        assertThat(Json.write(new Group.End(List.of()))).isEqualTo("{\"type\":\"end\",\"jobs\":[]}");
    }
}
