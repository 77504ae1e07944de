package dev.bgrun.orchestrator.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

import dev.bgrun.orchestrator.config.KeyType.At;
import dev.bgrun.orchestrator.json.Json;

/** The value types of the job spec. Each checks a raw value and says exactly what it expected. */
public final class KeyTypes {
    private KeyTypes() {
    }

    public static KeyType<String> string() {
        return new Text(false);
    }

    /** A string that may not be empty or blank. */
    public static KeyType<String> nonEmptyString() {
        return new Text(true);
    }

    public static KeyType<Boolean> bool() {
        return new Bool();
    }

    public static KeyType<Integer> integer(int min, int max) {
        return new Int(min, max);
    }

    /** A TCP port: an integer in 1..65535, or a string holding a {@code ${...}} reference. */
    public static KeyType<String> port() {
        return new Port();
    }

    /**
     * A duration written with a unit ({@code "30s"}); when {@code bareUnit} is given, a bare number is also
     * accepted and counts in that unit (keys named {@code -ms} or {@code -secs}, as in the reference).
     */
    public static KeyType<Duration> duration(ChronoUnit bareUnit) {
        return new Dur(bareUnit, false);
    }

    /** A duration that must be more than zero (an interval or a deadline). */
    public static KeyType<Duration> positiveDuration(ChronoUnit bareUnit) {
        return new Dur(bareUnit, true);
    }

    /** A string matching {@code pattern}, described as {@code what} in messages. */
    public static KeyType<String> name(Pattern pattern, String what) {
        return new Name(pattern, what);
    }

    public static KeyType<Command> command() {
        return new Cmd();
    }

    /** An array of non-empty strings; a single string is taken as an array of one when {@code single}. */
    public static KeyType<List<String>> strings(boolean single, Pattern each, String eachName) {
        return new Strings(single, each, eachName);
    }

    /** An array of integers in {@code min..max}; a single integer is taken as an array of one. */
    public static KeyType<List<Integer>> integers(int min, int max, String eachName) {
        return new Ints(min, max, eachName);
    }

    /** A table of names to scalar values, each value kept as a string. */
    public static KeyType<Map<String, String>> stringMap() {
        return new StringMap();
    }

    public static KeyType<List<Dependency>> after() {
        return new After();
    }

    public static KeyType<RestartPolicy> restartPolicy() {
        return new Restart();
    }

    public static KeyType<String> signal() {
        return new Signal();
    }

    public static KeyType<String> regex() {
        return new Regex();
    }

    public static KeyType<String> url() {
        return new Url();
    }

    private static String expectedString(RawValue raw, At at, String what) {
        if (raw.value() instanceof String s) {
            return s;
        }
        return at.fail("expected " + what + ", got " + raw.describe());
    }

    /** The text with every {@code ${...}} reference replaced by a harmless stand-in, for checking its shape. */
    private static String withStandIns(String text) {
        return Interpolation.resolve(text, ref -> "1");
    }

    private record Text(boolean nonEmpty) implements KeyType<String> {
        @Override
        public String read(RawValue raw, At at) {
            String s = expectedString(raw, at, "a string");
            if (s != null && nonEmpty && s.isBlank()) {
                return at.fail("expected a non-empty string");
            }
            return s;
        }

        @Override
        public Object toJson(String value) {
            return value;
        }

        @Override
        public Map<String, Object> jsonSchema() {
            return nonEmpty ? Json.object("type", "string", "minLength", 1) : Json.object("type", "string");
        }

        @Override
        public String describe() {
            return "string";
        }
    }

    private record Bool() implements KeyType<Boolean> {
        @Override
        public Boolean read(RawValue raw, At at) {
            if (raw.value() instanceof Boolean b) {
                return b;
            }
            return at.fail("expected true or false, got " + raw.describe());
        }

        @Override
        public Object fromFlags(List<String> values) {
            return values.isEmpty() || !values.getLast().equals("false");
        }

        @Override
        public boolean isSwitch() {
            return true;
        }

        @Override
        public Object toJson(Boolean value) {
            return value;
        }

        @Override
        public Map<String, Object> jsonSchema() {
            return Json.object("type", "boolean");
        }

        @Override
        public String describe() {
            return "boolean";
        }
    }

    private record Int(int min, int max) implements KeyType<Integer> {
        @Override
        public Integer read(RawValue raw, At at) {
            if (!(raw.value() instanceof Long n)) {
                return at.fail("expected an integer from " + min + " to " + max + ", got " + raw.describe());
            }
            if (n < min || n > max) {
                return at.fail("expected an integer from " + min + " to " + max + ", got " + n);
            }
            return n.intValue();
        }

        @Override
        public Object fromFlags(List<String> values) {
            return numberOrText(values.getLast());
        }

        @Override
        public Object toJson(Integer value) {
            return value;
        }

        @Override
        public Map<String, Object> jsonSchema() {
            return Json.object("type", "integer", "minimum", min, "maximum", max);
        }

        @Override
        public String describe() {
            return "integer";
        }
    }

    private record Port() implements KeyType<String> {
        private static final String EXPECTED = "expected a port from 1 to 65535 or a string such as \"${PORT}\"";

        @Override
        public String read(RawValue raw, At at) {
            if (raw.value() instanceof Long n) {
                return n >= 1 && n <= 65535 ? Long.toString(n) : at.fail("port " + n + " is out of range: " + EXPECTED);
            }
            if (!(raw.value() instanceof String s)) {
                return at.fail(EXPECTED + ", got " + raw.describe());
            }
            if (s.matches("\\d{1,5}")) {
                int n = Integer.parseInt(s);
                return n >= 1 && n <= 65535 ? s : at.fail("port " + n + " is out of range: " + EXPECTED);
            }
            if (Interpolation.refs(s).isEmpty() || !withStandIns(s).matches("\\d+")) {
                return at.fail(EXPECTED + ", got " + raw.describe());
            }
            return s;
        }

        @Override
        public Object fromFlags(List<String> values) {
            return numberOrText(values.getLast());
        }

        @Override
        public Object toJson(String value) {
            return value.matches("\\d+") ? (Object) Integer.parseInt(value) : value;
        }

        @Override
        public Map<String, Object> jsonSchema() {
            return Json.object("oneOf", List.of(
                    Json.object("type", "integer", "minimum", 1, "maximum", 65535),
                    Json.object("type", "string", "pattern", "^(\\d+|.*\\$\\{[^}]+}.*)$")));
        }

        @Override
        public String describe() {
            return "port";
        }
    }

    private record Dur(ChronoUnit bareUnit, boolean positive) implements KeyType<Duration> {
        @Override
        public Duration read(RawValue raw, At at) {
            Duration d = parse(raw, at);
            if (d != null && positive && d.isZero()) {
                return at.fail("expected a duration greater than zero");
            }
            return d;
        }

        private Duration parse(RawValue raw, At at) {
            String expected = bareUnit == null
                    ? "expected a duration such as \"500ms\", \"30s\" or \"5m\""
                    : "expected a number of " + unitName() + " or a duration such as \"500ms\", \"30s\" or \"5m\"";
            if (raw.value() instanceof Long n && bareUnit != null) {
                return n >= 0 ? Duration.of(n, bareUnit) : at.fail(expected + ", got " + n);
            }
            if (raw.value() instanceof Long n) {
                return at.fail(expected + " (a bare number has no unit here), got " + n, n + "s");
            }
            if (!(raw.value() instanceof String s)) {
                return at.fail(expected + ", got " + raw.describe());
            }
            Duration d = Durations.parse(s);
            return d != null ? d : at.fail(expected + ", got \"" + s + "\"");
        }

        private String unitName() {
            return bareUnit == ChronoUnit.MILLIS ? "milliseconds" : bareUnit.toString().toLowerCase();
        }

        @Override
        public Object fromFlags(List<String> values) {
            return numberOrText(values.getLast());
        }

        @Override
        public Object toJson(Duration value) {
            if (bareUnit == ChronoUnit.MILLIS) {
                return value.toMillis();
            }
            if (bareUnit == ChronoUnit.SECONDS && value.toMillis() % 1000 == 0) {
                return value.toSeconds();
            }
            return Durations.format(value);
        }

        @Override
        public Map<String, Object> jsonSchema() {
            Map<String, Object> text = Json.object("type", "string", "pattern", "^(\\d+(\\.\\d+)?(ms|s|m|h))+$");
            return bareUnit == null ? text : Json.object("oneOf", List.of(Json.object("type", "integer", "minimum", 0), text));
        }

        @Override
        public String describe() {
            return bareUnit == null ? "duration" : "duration or " + unitName();
        }
    }

    private record Name(Pattern pattern, String what) implements KeyType<String> {
        @Override
        public String read(RawValue raw, At at) {
            String s = expectedString(raw, at, what);
            if (s != null && !pattern.matcher(s).matches()) {
                return at.fail("expected " + what + ", got \"" + s + "\"");
            }
            return s;
        }

        @Override
        public Object toJson(String value) {
            return value;
        }

        @Override
        public Map<String, Object> jsonSchema() {
            return Json.object("type", "string", "pattern", "^" + pattern.pattern() + "$");
        }

        @Override
        public String describe() {
            return "string";
        }
    }

    private record Cmd() implements KeyType<Command> {
        private static final String EXPECTED = "expected a string (run by /bin/sh -c) or a non-empty array of strings";

        @Override
        public Command read(RawValue raw, At at) {
            if (raw.value() instanceof String s) {
                return s.isBlank() ? at.fail(EXPECTED + ", got an empty string") : Command.shell(s);
            }
            if (raw.value() instanceof List<?> list) {
                if (list.isEmpty()) {
                    return at.fail(EXPECTED + ", got an empty array");
                }
                List<String> argv = new ArrayList<>();
                for (Object element : list) {
                    if (!(element instanceof String s)) {
                        return at.fail(EXPECTED + ", got an array holding " + new RawValue(element, at.position()).describe());
                    }
                    argv.add(s);
                }
                if (argv.getFirst().isBlank()) {
                    return at.fail(EXPECTED + ", got an array whose program is empty");
                }
                return Command.exec(argv);
            }
            return at.fail(EXPECTED + ", got " + raw.describe());
        }

        @Override
        public Object toJson(Command value) {
            return value.shell() ? value.argv().getFirst() : value.argv();
        }

        @Override
        public Map<String, Object> jsonSchema() {
            return Json.object("oneOf", List.of(Json.object("type", "string", "minLength", 1),
                    Json.object("type", "array", "items", Json.object("type", "string"), "minItems", 1)));
        }

        @Override
        public String describe() {
            return "string or array";
        }
    }

    private record Ints(int min, int max, String eachName) implements KeyType<List<Integer>> {
        @Override
        public List<Integer> read(RawValue raw, At at) {
            String expected = "expected an array of " + eachName + " (integers from " + min + " to " + max + ")";
            List<?> list = raw.value() instanceof List<?> l ? l : raw.value() instanceof Long n ? List.of(n) : null;
            if (list == null) {
                return at.fail(expected + ", got " + raw.describe());
            }
            List<Integer> out = new ArrayList<>();
            for (Object element : list) {
                Object n = element instanceof String s && s.matches("\\d{1,9}") ? Long.parseLong(s) : element;
                if (!(n instanceof Long v) || v < min || v > max) {
                    return at.fail(expected + ", got " + new RawValue(element, at.position()).describe());
                }
                out.add(v.intValue());
            }
            return List.copyOf(out);
        }

        @Override
        public Object fromFlags(List<String> values) {
            return List.copyOf(values); // read() takes digit strings too
        }

        @Override
        public boolean repeatable() {
            return true;
        }

        @Override
        public Object toJson(List<Integer> value) {
            return value;
        }

        @Override
        public Map<String, Object> jsonSchema() {
            Map<String, Object> item = Json.object("type", "integer", "minimum", min, "maximum", max);
            return Json.object("oneOf", List.of(item, Json.object("type", "array", "items", item)));
        }

        @Override
        public String describe() {
            return "integer or array";
        }
    }

    private record Strings(boolean single, Pattern each, String eachName) implements KeyType<List<String>> {
        @Override
        public List<String> read(RawValue raw, At at) {
            String expected = "expected " + (single ? "a string or " : "") + "an array of " + eachName;
            List<?> list;
            if (raw.value() instanceof String s && single) {
                list = List.of(s);
            } else if (raw.value() instanceof List<?> l) {
                list = l;
            } else {
                return at.fail(expected + ", got " + raw.describe());
            }
            List<String> out = new ArrayList<>();
            for (Object element : list) {
                if (!(element instanceof String s) || s.isEmpty()) {
                    return at.fail(expected + ", got " + (element instanceof String ? "an empty string"
                            : "an array holding " + new RawValue(element, at.position()).describe()));
                }
                if (each != null && !each.matcher(s).matches()) {
                    return at.fail(expected + ", got \"" + s + "\"");
                }
                out.add(s);
            }
            return List.copyOf(out);
        }

        @Override
        public Object fromFlags(List<String> values) {
            return List.copyOf(values);
        }

        @Override
        public boolean repeatable() {
            return true;
        }

        @Override
        public Object toJson(List<String> value) {
            return value;
        }

        @Override
        public Map<String, Object> jsonSchema() {
            Map<String, Object> item = each == null ? Json.object("type", "string", "minLength", 1)
                    : Json.object("type", "string", "pattern", "^" + each.pattern() + "$");
            Map<String, Object> array = Json.object("type", "array", "items", item);
            return single ? Json.object("oneOf", List.of(item, array)) : array;
        }

        @Override
        public String describe() {
            return single ? "string or array" : "array of strings";
        }
    }

    private record StringMap() implements KeyType<Map<String, String>> {
        @Override
        public Map<String, String> read(RawValue raw, At at) {
            if (!(raw.value() instanceof RawTable table)) {
                return at.fail("expected a table of names to values, such as { PORT = \"8080\" }, got " + raw.describe());
            }
            Map<String, String> out = new LinkedHashMap<>();
            boolean ok = true;
            for (String name : table.keys()) {
                RawValue value = table.get(name);
                At inner = new At(at.problems(), table.pathOf(name), value.position());
                if (!JobNames.validVariable(name)) {
                    inner.fail("expected a variable name (letters, digits, underscores; not starting with a digit)");
                    ok = false;
                } else if (value.value() instanceof String || value.value() instanceof Long
                        || value.value() instanceof Double || value.value() instanceof Boolean) {
                    out.put(name, value.value().toString());
                } else {
                    inner.fail("expected a string, number or boolean, got " + value.describe());
                    ok = false;
                }
            }
            return ok ? out : null;
        }

        @Override
        public Object fromFlags(List<String> values) {
            RawTable table = new RawTable("", Position.UNKNOWN);
            for (String pair : values) {
                int eq = pair.indexOf('=');
                table.put(eq < 0 ? pair : pair.substring(0, eq),
                        new RawValue(eq < 0 ? List.of() : pair.substring(eq + 1), Position.UNKNOWN));
            }
            return table;
        }

        @Override
        public boolean repeatable() {
            return true;
        }

        @Override
        public Object toJson(Map<String, String> value) {
            return value;
        }

        @Override
        public Map<String, Object> jsonSchema() {
            return Json.object("type", "object", "additionalProperties",
                    Json.object("type", List.of("string", "number", "boolean")));
        }

        @Override
        public String describe() {
            return "table";
        }
    }

    private record After() implements KeyType<List<Dependency>> {
        private static final String EXPECTED =
                "expected a job name, an array of job names, or a table such as { db = \"ready\" }";

        @Override
        public List<Dependency> read(RawValue raw, At at) {
            List<Dependency> out = new ArrayList<>();
            switch (raw.value()) {
                case String s -> out.add(new Dependency(s, null, raw.position()));
                case List<?> list -> {
                    for (Object element : list) {
                        if (!(element instanceof String s)) {
                            return at.fail(EXPECTED + ", got an array holding " + new RawValue(element, at.position()).describe());
                        }
                        out.add(new Dependency(s, null, raw.position()));
                    }
                }
                case RawTable table -> {
                    // A bad condition is reported and its edge dropped; the others are kept, so that checks
                    // across jobs (unknown targets) still see them. The job counts as invalid either way.
                    for (String job : table.keys()) {
                        RawValue value = table.get(job);
                        At inner = new At(at.problems(), table.pathOf(job), value.position());
                        Condition condition = value.value() instanceof String s ? Condition.fromKeyword(s) : null;
                        if (condition == null) {
                            List<String> keywords = Arrays.stream(Condition.values()).map(Condition::keyword).toList();
                            inner.fail("expected one of " + quoted(keywords) + ", got " + value.describe(),
                                    value.value() instanceof String s ? Suggestions.nearest(s, keywords) : null);
                        } else {
                            out.add(new Dependency(job, condition, value.position()));
                        }
                    }
                }
                default -> {
                    return at.fail(EXPECTED + ", got " + raw.describe());
                }
            }
            return List.copyOf(out);
        }

        /** {@code --after db} or {@code --after db=completed}, repeated. */
        @Override
        public Object fromFlags(List<String> values) {
            if (values.stream().noneMatch(v -> v.contains("="))) {
                return List.copyOf(values);
            }
            RawTable table = new RawTable("", Position.UNKNOWN);
            for (String v : values) {
                int eq = v.indexOf('=');
                table.put(eq < 0 ? v : v.substring(0, eq),
                        new RawValue(eq < 0 ? Condition.READY.keyword() : v.substring(eq + 1), Position.UNKNOWN));
            }
            return table;
        }

        @Override
        public boolean repeatable() {
            return true;
        }

        @Override
        public Object toJson(List<Dependency> value) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Dependency d : value) {
                out.put(d.job(), d.condition() == null ? Condition.READY.keyword() : d.condition().keyword());
            }
            return out;
        }

        @Override
        public Map<String, Object> jsonSchema() {
            List<String> keywords = Arrays.stream(Condition.values()).map(Condition::keyword).toList();
            return Json.object("oneOf", List.of(
                    Json.object("type", "string"),
                    Json.object("type", "array", "items", Json.object("type", "string")),
                    Json.object("type", "object", "additionalProperties", Json.object("enum", keywords))));
        }

        @Override
        public String describe() {
            return "string, array or table";
        }
    }

    private record Restart() implements KeyType<RestartPolicy> {
        @Override
        public RestartPolicy read(RawValue raw, At at) {
            List<String> keywords = Arrays.stream(RestartPolicy.values()).map(RestartPolicy::keyword).toList();
            String s = expectedString(raw, at, "one of " + quoted(keywords));
            if (s == null) {
                return null;
            }
            for (RestartPolicy policy : RestartPolicy.values()) {
                if (policy.keyword().equals(s)) {
                    return policy;
                }
            }
            return at.fail("expected one of " + quoted(keywords) + ", got \"" + s + "\"", Suggestions.nearest(s, keywords));
        }

        @Override
        public Object toJson(RestartPolicy value) {
            return value.keyword();
        }

        @Override
        public Map<String, Object> jsonSchema() {
            return Json.object("enum", Arrays.stream(RestartPolicy.values()).map(RestartPolicy::keyword).toList());
        }

        @Override
        public String describe() {
            return "string";
        }
    }

    private record Signal() implements KeyType<String> {
        @Override
        public String read(RawValue raw, At at) {
            String expected = "expected a signal name such as \"TERM\", \"INT\" or \"SIGQUIT\"";
            if (raw.value() instanceof Long n && Signals.canonical(n.toString()) != null) {
                return Signals.canonical(n.toString());
            }
            String s = expectedString(raw, at, expected.substring("expected ".length()));
            if (s == null) {
                return null;
            }
            String canonical = Signals.canonical(s);
            return canonical != null ? canonical
                    : at.fail(expected + ", got \"" + s + "\"", Suggestions.nearest(s.toUpperCase().replaceFirst("^SIG", ""), Signals.names()));
        }

        @Override
        public Object fromFlags(List<String> values) {
            return numberOrText(values.getLast());
        }

        @Override
        public Object toJson(String value) {
            return value;
        }

        @Override
        public Map<String, Object> jsonSchema() {
            return Json.object("type", "string");
        }

        @Override
        public String describe() {
            return "signal";
        }
    }

    private record Regex() implements KeyType<String> {
        @Override
        public String read(RawValue raw, At at) {
            String s = expectedString(raw, at, "a regular expression");
            if (s == null) {
                return null;
            }
            if (s.isEmpty()) {
                return at.fail("expected a non-empty regular expression");
            }
            try {
                Pattern.compile(withStandIns(s));
                return s;
            } catch (PatternSyntaxException e) {
                return at.fail("invalid regular expression: " + e.getDescription()
                        + (e.getIndex() >= 0 ? " near index " + e.getIndex() : "") + " in \"" + s + "\"");
            }
        }

        @Override
        public Object toJson(String value) {
            return value;
        }

        @Override
        public Map<String, Object> jsonSchema() {
            return Json.object("type", "string", "format", "regex");
        }

        @Override
        public String describe() {
            return "regex";
        }
    }

    private record Url() implements KeyType<String> {
        @Override
        public String read(RawValue raw, At at) {
            String expected = "an http:// or https:// URL";
            String s = expectedString(raw, at, expected);
            if (s == null) {
                return null;
            }
            try {
                URI uri = new URI(withStandIns(s));
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
                if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                    return s;
                }
            } catch (URISyntaxException e) {
                return at.fail("expected " + expected + ", got \"" + s + "\" (" + e.getReason() + ")");
            }
            return at.fail("expected " + expected + ", got \"" + s + "\"");
        }

        @Override
        public Object toJson(String value) {
            return value;
        }

        @Override
        public Map<String, Object> jsonSchema() {
            return Json.object("type", "string", "pattern", "^https?://");
        }

        @Override
        public String describe() {
            return "URL";
        }
    }

    /** A flag's text as a number when it is one, so that number-taking keys read it as TOML would. */
    private static Object numberOrText(String text) {
        return text.matches("-?\\d{1,18}") ? (Object) Long.parseLong(text) : text;
    }

    static String quoted(List<String> words) {
        return words.stream().map(w -> "\"" + w + "\"").collect(Collectors.joining(", "));
    }
}
