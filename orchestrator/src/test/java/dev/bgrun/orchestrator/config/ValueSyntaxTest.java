package dev.bgrun.orchestrator.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ValueSyntaxTest {
    @Test
    void parsesDurations() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse(" 2s ")).isEqualTo(Duration.ofSeconds(2));
        for (String bad : List.of("", "10", "s", "10 s", "10x", "-1s", "1s2", "ms", "1e3s")) {
            assertThat(Durations.parse(bad)).as(bad).isNull();
        }
    }

    @Test
    void formatsDurationsInTheirShortestExactForm() {
        assertThat(Durations.format(Duration.ofMinutes(120))).isEqualTo("2h");
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.format(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
    }

    @Test
    void findsAndResolvesReferences() {
        String text = "a ${PORT} b ${db.PORT} c ${X:-d} e $${KEEP} f ${web-1.URL}";
        assertThat(Interpolation.refs(text)).extracting(r -> r.job() + "/" + r.variable())
                .containsExactly("null/PORT", "db/PORT", "web-1/URL");
        String resolved = Interpolation.resolve(text, ref -> ref.variable().equals("PORT") ? "80" + (ref.job() == null ? "" : "1") : null);
        assertThat(resolved).isEqualTo("a 80 b 801 c ${X:-d} e ${KEEP} f ${web-1.URL}");
    }

    @Test
    void suggestsOnlyCloseWords() {
        List<String> keys = JobKeys.names();
        assertThat(Suggestions.nearest("ready-when-prot", keys)).isEqualTo("ready-when-port");
        assertThat(Suggestions.nearest("readywhen", keys)).isEqualTo("ready-when");
        assertThat(Suggestions.nearest("comand", List.of("cmd", "command"))).isEqualTo("command");
        assertThat(Suggestions.nearest("zzzzzzzz", keys)).isNull();
        assertThat(Suggestions.distance("ab", "ba")).isEqualTo(1);
    }

    @Test
    void normalisesSignals() {
        assertThat(Signals.canonical("sigterm")).isEqualTo("TERM");
        assertThat(Signals.canonical("INT")).isEqualTo("INT");
        assertThat(Signals.canonical("9")).isEqualTo("KILL");
        assertThat(Signals.canonical("SIGBOGUS")).isNull();
        assertThat(Signals.number("TERM")).isEqualTo(15);
        assertThat(Signals.number("USR2")).isEqualTo(12);
    }

    @Test
    void everyKeyHasDocumentationAndAValidExample() {
        for (SpecKey<?> key : JobKeys.all()) {
            assertThat(key.summary()).as(key.name()).isNotBlank();
            assertThat(key.name()).matches("[a-z]+(-[a-z]+)*");
            // The documented example must itself be a valid value of the key.
            var parsed = org.tomlj.Toml.parse("v = " + key.example());
            assertThat(parsed.errors()).as(key.name() + " example " + key.example()).isEmpty();
            Problems problems = new Problems("example");
            Object value = key.type().read(new RawValue(plain(parsed.get("v"), "v"), new Position(1, 1)),
                    new KeyType.At(problems, key.name(), new Position(1, 1)));
            assertThat(problems.sorted()).as(key.name() + " example " + key.example()).isEmpty();
            assertThat(value).as(key.name()).isNotNull();
        }
    }

    private static Object plain(Object v, String path) {
        if (v instanceof org.tomlj.TomlArray a) {
            return a.toList().stream().map(x -> plain(x, path)).toList();
        }
        if (v instanceof org.tomlj.TomlTable t) {
            RawTable table = new RawTable(path, new Position(1, 1));
            for (String k : t.keySet()) {
                table.put(k, new RawValue(plain(t.get(List.of(k)), path + "." + k), new Position(1, 1)));
            }
            return table;
        }
        return v;
    }
}
