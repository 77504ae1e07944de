package dev.bgrun.orchestrator.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/bgrun-toml.md documents exactly the keys of {@link JobKeys}, in the same order, with their defaults. */
class KeyReferenceDocsTest {
    private static final Path DOC = Path.of("..", "docs", "bgrun-toml.md");
    private static final Pattern KEY_HEADING = Pattern.compile("(?m)^### `([^`]+)`\\s*$");

    @Test
    void everyKeyIsDocumentedInOrderAndNothingElse() throws IOException {
        String doc = Files.readString(DOC);
        Matcher m = KEY_HEADING.matcher(doc);
        List<String> documented = m.results().map(r -> r.group(1)).toList();
        assertThat(documented).containsExactlyElementsOf(JobKeys.names());
    }

    @Test
    void eachKeySectionStatesItsDefault() throws IOException {
        String doc = Files.readString(DOC);
        for (SpecKey<?> key : JobKeys.all()) {
            String section = section(doc, key.name());
            if (key.defaultValue() instanceof java.time.Duration || key.defaultValue() instanceof Integer
                    || key.defaultValue() instanceof RestartPolicy || key.defaultValue() instanceof String) {
                String shown = String.valueOf(renderDefault(key));
                assertThat(section).as("default of " + key.name()).contains(shown);
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object renderDefault(SpecKey key) {
        return key.type().toJson(key.defaultValue());
    }

    private static String section(String doc, String key) {
        int start = doc.indexOf("### `" + key + "`");
        int end = doc.indexOf("\n#", start + 1);
        return doc.substring(start, end < 0 ? doc.length() : end);
    }
}
