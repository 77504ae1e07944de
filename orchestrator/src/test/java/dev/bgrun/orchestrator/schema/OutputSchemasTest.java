package dev.bgrun.orchestrator.schema;

import dev.bgrun.orchestrator.config.JobKeys;
import dev.bgrun.orchestrator.config.JobSpec;
import dev.bgrun.orchestrator.config.JsonSpecs;
import dev.bgrun.orchestrator.config.SpecKey;
import dev.bgrun.orchestrator.error.ErrorType;
import dev.bgrun.orchestrator.events.EventLog;
import dev.bgrun.orchestrator.job.JobState;
import dev.bgrun.orchestrator.json.Json;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The schemas come from the code's models: every error type, state, event type and job key is in them. */
class OutputSchemasTest {

    @Test
    void errorTypesAreEveryErrorTypeAndRetryabilityFollowsThem() {
        Map<String, Object> error = OutputSchemas.error();
        assertThat(at(error, "properties", "error", "properties", "type", "enum"))
                .isEqualTo(Arrays.stream(ErrorType.values()).map(Enum::name).toList());
        assertThat(at(error, "if", "properties", "error", "properties", "type", "enum")).isEqualTo(
                Arrays.stream(ErrorType.values()).filter(ErrorType::retryable).map(Enum::name).toList());
        assertThat(error.get("$schema")).isEqualTo(Schemas.DIALECT);
    }

    @Test
    void jobStatesAreEveryJobState() {
        List<String> states = Arrays.stream(JobState.values()).map(JobState::keyword).toList();
        Map<String, Object> run = OutputSchemas.of("run").output();
        assertThat(at(run, "properties", "state", "enum")).isEqualTo(states);
        assertThat(at(run, "properties", "blocked_by", "properties", "state", "enum")).isEqualTo(states);
        Map<?, ?> transition = (Map<?, ?>) ((List<?>) at(OutputSchemas.of("events").stream().items(),
                "oneOf")).getFirst();
        assertThat(at(transition, "properties", "to", "enum")).isEqualTo(states);
    }

    @Test
    void everyEventTypeHasItsShape() {
        List<?> shapes = (List<?>) OutputSchemas.of("events").stream().items().get("oneOf");
        assertThat(shapes.stream().map(s -> at((Map<?, ?>) s, "properties", "type", "const")).toList())
                .isEqualTo(java.util.stream.Stream.concat(EventLog.TYPES.stream(), java.util.stream.Stream.of("fell_behind")).toList());
    }

    @Test
    void everyCommandPrintsJsonOrSaysWhatItPrints() {
        OutputSchemas.all().forEach((name, out) -> {
            assertThat(out.output() != null || out.stream() != null || out.note() != null).as(name).isTrue();
            Map<String, Object> described = OutputSchemas.describe(name, out);
            if (out.output() != null) {
                assertThat(at(described, "output", "$schema")).as(name).isEqualTo(Schemas.DIALECT);
                assertThat(at(described, "output", "title")).as(name).isEqualTo("bgrun " + name);
            }
            Json.write(described); // plain data all the way down
        });
    }

    @Test
    void theJobSpecHasEveryKeyAndIsClosed() {
        Map<String, Object> spec = JobSpecSchema.runSpec();
        @SuppressWarnings("unchecked")
        Map<String, Object> properties = (Map<String, Object>) spec.get("properties");
        List<String> keys = JobKeys.all().stream().map(SpecKey::name).toList();
        assertThat(properties.keySet()).containsAll(keys);
        assertThat(properties.keySet()).hasSize(keys.size() + 1).contains("name");
        assertThat(spec.get("required")).isEqualTo(JobKeys.all().stream().filter(k -> k.has(SpecKey.Trait.REQUIRED))
                .map(SpecKey::name).toList());
        assertThat(spec.get("additionalProperties")).isEqualTo(false);
        assertThat(at(spec, "properties", "restart", "default")).isEqualTo("never");
        assertThat(at(spec, "properties", "backoff-ms", "default")).isEqualTo(2000L);
        assertThat(at(spec, "properties", "ready-timeout", "default")).isEqualTo("2m");
    }

    @Test
    void aSpecOfTheExamplesIsAValidJobSpec() {
        // Every key's example at once; oneshot aside, since a oneshot job has no readiness rules or health checks.
        Map<String, Object> json = new LinkedHashMap<>();
        for (SpecKey<?> key : JobKeys.all()) {
            if (key != JobKeys.ONESHOT) {
                json.put(key.name(), JobSpecSchema.example(key));
            }
        }
        JobSpec spec = JsonSpecs.read("api", json, "examples");
        assertThat(spec.cmd().argv()).containsExactly("java", "Db.java");
        assertThat(json.get("backoff-ms")).isEqualTo(500L);
        assertThat(json.get("after")).isEqualTo(Map.of("db", "ready", "migrate", "completed"));
    }

    private static Object at(Map<?, ?> map, String... path) {
        Object value = map;
        for (String key : path) {
            value = ((Map<?, ?>) value).get(key);
        }
        return value;
    }
}
