package dev.bgrun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgrun.cli.BgrunProcess.Result;
import dev.bgrun.orchestrator.config.JobKeys;
import dev.bgrun.orchestrator.config.Suggestions;
import dev.bgrun.orchestrator.error.ErrorType;
import dev.bgrun.orchestrator.events.EventLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** doctor, capabilities, examples, skill install; and every command line of SKILL.md and the examples, run for real. */
class DiscoveryIT {
    @TempDir
    Path tmp;

    // ---------------------------------------------------------------- doctor

    @Test
    void doctorWarnsWithoutADaemonIsOkWithOneAndFailsOnAStateRootOthersCanRead() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            Files.setPosixFilePermissions(d.home, PosixFilePermissions.fromString("rwx------"));
            Result r = d.bgrun("doctor");
            assertThat(r.exitCode()).as(r.toString()).isZero();
            JsonNode report = Daemon.JSON.readTree(r.out());
            assertThat(report.get("ok").asBoolean()).isTrue();
            assertThat(names(report)).containsExactly("java", "state-root", "daemon", "resources", "process-groups", "disk");
            JsonNode daemon = check(report, "daemon");
            assertThat(daemon.get("status").asText()).isEqualTo("warn");
            assertThat(daemon.get("detail").asText()).contains("not running");
            assertThat(daemon.get("hint").asText()).contains("next job command");
            assertThat(d.json("daemon", "status").get("running").asBoolean()).as("doctor never starts a daemon").isFalse();
            for (String name : List.of("java", "state-root", "process-groups")) {
                assertThat(check(report, name).get("status").asText()).as(name).isEqualTo("ok");
            }

            d.run("--name", "chatty", "--", "sh -c 'echo hello; exec sleep 300'");
            await().atMost(Duration.ofSeconds(30)).until(() -> d.json("tail", "chatty").get("lines").size() == 1);
            r = d.bgrun("doctor", "--json");
            assertThat(r.exitCode()).as(r.toString()).isZero();
            report = Daemon.JSON.readTree(r.out());
            daemon = check(report, "daemon");
            assertThat(daemon.get("status").asText()).isEqualTo("ok");
            assertThat(daemon.get("facts").get("pid").asLong()).isEqualTo(d.daemonPid());
            JsonNode disk = check(report, "disk");
            assertThat(disk.get("facts").get("jobs").asInt()).isEqualTo(1);
            assertThat(disk.get("facts").get("log_bytes").asLong()).isPositive();
            assertThat(disk.get("facts").get("free_bytes").asLong()).isPositive();

            Result human = d.bgrun("doctor", "--no-json");
            assertThat(human.exitCode()).as(human.toString()).isZero();
            assertThat(human.out().lines().limit(5)).allMatch(l -> l.startsWith("✓ ") || l.startsWith("ok ")
                    || l.startsWith("! ") || l.startsWith("!! "));

            // Others can read the state root: a failure, with the command that fixes it; exit 1.
            Files.setPosixFilePermissions(d.home, PosixFilePermissions.fromString("rwxr-xr-x"));
            try {
                r = d.bgrun("doctor");
                assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
                report = Daemon.JSON.readTree(r.out());
                assertThat(report.get("ok").asBoolean()).isFalse();
                JsonNode root = check(report, "state-root");
                assertThat(root.get("status").asText()).isEqualTo("fail");
                assertThat(root.get("detail").asText()).contains("rwxr-xr-x");
                assertThat(root.get("hint").asText()).isEqualTo("chmod 700 " + d.home.toAbsolutePath().normalize());
                human = d.bgrun("doctor", "--no-json");
                assertThat(human.exitCode()).isEqualTo(1);
                assertThat(human.out()).contains("hint: chmod 700 ").contains("1 check failed");
            } finally {
                Files.setPosixFilePermissions(d.home, PosixFilePermissions.fromString("rwx------"));
            }
        }
    }

    @Test
    void doctorDoesNotCreateAStateRootThatDoesNotExistYet() throws IOException {
        Path home = tmp.resolve("not-yet/bgrun");
        Result r = BgrunProcess.bgrun(Files.createDirectories(tmp.resolve("work")), Map.of("BGRUN_HOME", home.toString()), "doctor");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode root = check(Daemon.JSON.readTree(r.out()), "state-root");
        assertThat(root.get("status").asText()).isEqualTo("ok");
        assertThat(root.get("detail").asText()).contains("does not exist yet");
        assertThat(root.get("facts").get("source").asText()).isEqualTo("BGRUN_HOME");
        assertThat(tmp.resolve("not-yet")).doesNotExist();
    }

    // ---------------------------------------------------------------- capabilities

    @Test
    void capabilitiesListsEveryCommandOptionAndJobKeyOfTheModel() throws IOException {
        Result r = BgrunProcess.bgrun(Files.createDirectories(tmp.resolve("work")), Map.of("BGRUN_HOME", tmp.resolve("home").toString()),
                "capabilities");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode caps = Daemon.JSON.readTree(r.out());

        CommandLine model = Cli.commandLine();
        Set<CommandLine> commands = new LinkedHashSet<>(model.getSubcommands().values());
        assertThat(texts(caps.get("commands"), "name"))
                .containsExactlyElementsOf(commands.stream().map(CommandLine::getCommandName).toList())
                .contains("doctor", "capabilities", "examples", "skill");
        for (CommandLine command : commands) {
            JsonNode listed = StreamSupport.stream(caps.get("commands").spliterator(), false)
                    .filter(c -> c.get("name").asText().equals(command.getCommandName())).findFirst().orElseThrow();
            List<String> own = command.getCommandSpec().options().stream()
                    .filter(o -> !o.inherited() && !o.usageHelp() && !o.versionHelp() && !o.hidden())
                    .map(OptionSpec::longestName).toList();
            List<String> shown = listed.has("options") ? texts(listed.get("options"), null) : List.of();
            assertThat(shown).as(command.getCommandName()).hasSameSizeAs(own);
            for (int i = 0; i < own.size(); i++) {
                assertThat(shown.get(i)).as(command.getCommandName()).contains(own.get(i).replaceFirst("^--", ""));
            }
            List<String> subs = listed.has("subcommands") ? texts(listed.get("subcommands"), "name") : List.of();
            assertThat(subs).as(command.getCommandName())
                    .containsExactlyElementsOf(new LinkedHashSet<>(command.getSubcommands().values()).stream().map(CommandLine::getCommandName).toList());
        }
        assertThat(texts(caps.get("job_keys"), "name")).containsExactlyElementsOf(JobKeys.names());
        assertThat(texts(caps.get("readiness"), null)).contains("ready-when", "ready-when-port").doesNotContain("restart");
        assertThat(texts(caps.get("restart_policies"), null)).containsExactly("never", "on-failure", "on-crash", "always");
        assertThat(texts(caps.get("event_types"), null)).containsExactlyElementsOf(EventLog.TYPES);
        assertThat(texts(caps.get("error_types"), "type"))
                .containsExactlyElementsOf(Arrays.stream(ErrorType.values()).map(Enum::name).toList());
        assertThat(texts(caps.get("exit_codes"), "code")).containsExactly("0", "1", "2", "124", "127", "any");
        assertThat(texts(caps.get("output_formats"), "name")).containsExactly("json", "human", "ndjson");
        assertThat(caps.get("platform").get("java").asText()).isEqualTo(Runtime.version().toString());
        assertThat(caps.get("version").asText()).isNotBlank().isNotEqualTo("unknown");

        Result human = BgrunProcess.bgrun(tmp.resolve("work"), Map.of("BGRUN_HOME", tmp.resolve("home").toString()),
                "capabilities", "--no-json");
        assertThat(human.exitCode()).isZero();
        assertThat(human.out()).contains("commands").contains("skill install").contains("ready-when-port")
                .contains(String.join(", ", dev.bgrun.orchestrator.events.EventLog.TYPES)).contains("UsageError (2)");
        assertThat(tmp.resolve("home")).as("capabilities starts no daemon").doesNotExist();
    }

    // ---------------------------------------------------------------- examples

    @Test
    void examplesAreListedShownAndAnUnknownNameIsAUsageErrorWithTheNames() throws IOException {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Map<String, String> env = Map.of("BGRUN_HOME", tmp.resolve("home").toString());
        Result r = BgrunProcess.bgrun(work, env, "examples", "list");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        List<String> names = texts(Daemon.JSON.readTree(r.out()).get("examples"), "name");
        assertThat(names).contains("quickstart", "stack", "agent-loop", "ci", "spec-json").doesNotHaveDuplicates();
        for (String name : names) {
            JsonNode example = Daemon.JSON.readTree(BgrunProcess.bgrun(work, env, "examples", "show", name).out());
            assertThat(example.get("name").asText()).isEqualTo(name);
            assertThat(example.get("title").asText()).isNotBlank();
            assertThat(texts(example.get("commands"), null)).as(name).isNotEmpty().allMatch(c -> c.startsWith("bgrun "));
        }
        JsonNode stack = Daemon.JSON.readTree(BgrunProcess.bgrun(work, env, "examples", "show", "stack").out());
        assertThat(stack.get("files").get(0).get("path").asText()).isEqualTo("bgrun.toml");
        Result human = BgrunProcess.bgrun(work, env, "examples", "show", "quickstart", "--no-json");
        assertThat(human.out()).startsWith("quickstart: ").contains("bgrun wait hello");

        Result unknown = BgrunProcess.bgrun(work, env, "examples", "show", "stak");
        assertThat(unknown.exitCode()).isEqualTo(2);
        JsonNode error = Daemon.JSON.readTree(unknown.err()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("UsageError");
        assertThat(error.get("details").get("hint").asText()).startsWith("did you mean \"stack\"?").contains("quickstart, stack");
        assertThat(texts(error.get("details").get("candidates"), null)).isEqualTo(names);
        Result humanUnknown = BgrunProcess.bgrun(work, env, "examples", "show", "nothing-like-it", "--no-json");
        assertThat(humanUnknown.exitCode()).isEqualTo(2);
        assertThat(humanUnknown.err()).contains("error: no example \"nothing-like-it\"").contains("hint: examples: quickstart");
    }

    @Test
    void everyExampleCommandRunsAgainstARealDaemon() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            Runner runner = new Runner(d, tmp);
            List<String> names = texts(d.json("examples", "list").get("examples"), "name");
            for (String name : names) {
                JsonNode example = d.json("examples", "show", name);
                Path dir = Files.createDirectories(tmp.resolve("examples").resolve(name));
                Files.createDirectories(dir.resolve(".git")); // project files are looked for up to here only
                for (JsonNode file : example.get("files")) {
                    Files.writeString(dir.resolve(file.get("path").asText()), file.get("content").asText());
                }
                for (JsonNode command : example.get("commands")) {
                    runner.run(dir, name, command.asText());
                }
            }
            runner.assertAllRan(15);
        }
    }

    // ---------------------------------------------------------------- skill

    @Test
    void skillInstallWritesTheFileAndRefusesToOverwriteAChangedOne() throws IOException {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Map<String, String> env = Map.of("BGRUN_HOME", tmp.resolve("home").toString());
        Path skills = tmp.resolve("agent/skills");
        Result r = BgrunProcess.bgrun(work, env, "skill", "install", skills.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        Path file = skills.resolve("bgrun/SKILL.md");
        JsonNode answer = Daemon.JSON.readTree(r.out());
        assertThat(answer.get("path").asText()).isEqualTo(file.toString());
        assertThat(answer.get("written").asBoolean()).isTrue();
        String text = Files.readString(file);
        Path plain = Files.writeString(tmp.resolve("plain.txt"), "x");
        assertThat(Files.getPosixFilePermissions(file)).as("the umask's mode, as for any file written")
                .isEqualTo(Files.getPosixFilePermissions(plain));
        assertThat(text).startsWith("---\nname: bgrun\ndescription: ");
        assertThat(text.lines().count()).isLessThanOrEqualTo(130);
        assertThat(text).contains("--json", "bgrun wait", "run-group", "tail", "diff", "expect", "events --since",
                "stats", "stop", "down", "124", "\"ok\":false", "doctor", "capabilities", "schema", "examples");

        Result again = BgrunProcess.bgrun(work, env, "skill", "install", skills.toString());
        assertThat(again.exitCode()).isZero();
        assertThat(Daemon.JSON.readTree(again.out()).get("written").asBoolean()).isFalse();

        Files.writeString(file, text + "\nmy own note\n");
        Result refused = BgrunProcess.bgrun(work, env, "skill", "install", skills.toString());
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        JsonNode error = Daemon.JSON.readTree(refused.err()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("InvalidState");
        assertThat(error.get("details").get("hint").asText()).contains("--force");
        assertThat(Files.readString(file)).endsWith("my own note\n");

        Result forced = BgrunProcess.bgrun(work, env, "skill", "install", skills.toString(), "--force");
        assertThat(forced.exitCode()).as(forced.toString()).isZero();
        assertThat(Daemon.JSON.readTree(forced.out()).get("written").asBoolean()).isTrue();
        assertThat(Files.readString(file)).isEqualTo(text);

        // A directory already named bgrun (the reference's form) gets the file itself.
        Path named = tmp.resolve("opencode/skills/bgrun");
        Result direct = BgrunProcess.bgrun(work, env, "skill", "install", named.toString(), "--no-json");
        assertThat(direct.exitCode()).isZero();
        assertThat(direct.out()).contains("installed the bgrun skill: " + named.resolve("SKILL.md"));
        assertThat(named.resolve("SKILL.md")).hasContent(text);
    }

    /**
     * Every line starting with {@code bgrun } in a code block of the installed SKILL.md runs against a real daemon,
     * in a project whose jobs have the names the skill uses, with a stand-in {@code npm} on PATH.
     */
    @Test
    void everySkillCommandLineRunsAgainstARealDaemon() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            Path skills = tmp.resolve("skills");
            d.json("skill", "install", skills.toString());
            List<String> lines = commandLines(Files.readString(skills.resolve("bgrun/SKILL.md")));
            assertThat(lines).hasSizeGreaterThan(15);

            Path project = BgrunProcess.project(Files.createDirectories(tmp.resolve("project")), """
                    workspace = "app"

                    [jobs.db]
                    cmd = "echo \\"db ready on $DB_PORT\\"; exec sleep 3600"
                    allocate-port = "DB_PORT"
                    ready-when = "db ready"

                    [jobs.web]
                    cmd = "npm run dev"
                    after = "db"
                    allocate-port = "PORT"
                    ready-when = "Local:"
                    """);
            Runner runner = new Runner(d, tmp);
            for (String line : lines) {
                runner.run(project, "SKILL.md", line);
            }
            runner.assertAllRan(15);

            // The runner itself: a bad option and a misspelt command are caught, not skipped.
            runner.run(project, "self-check", "bgrun status web --no-such-option");
            runner.run(project, "self-check", "bgrun stauts web");
            assertThat(runner.failures()).hasSize(2);
            assertThat(runner.failures().get(0)).contains("exit 2");
            assertThat(runner.failures().get(1)).contains("did you mean status?");
        }
    }

    // ---------------------------------------------------------------- helpers

    /** The lines starting with "bgrun " inside fenced code blocks. */
    static List<String> commandLines(String markdown) {
        List<String> lines = new ArrayList<>();
        boolean inBlock = false;
        for (String line : markdown.lines().toList()) {
            if (line.startsWith("```")) {
                inBlock = !inBlock;
            } else if (inBlock && line.startsWith("bgrun ")) {
                lines.add(line);
            }
        }
        return lines;
    }

    /**
     * Runs documented command lines through {@code sh -c} with {@code bgrun} and a stand-in {@code npm} on PATH.
     * A line whose command is not registered in {@link Cli} (yet) is skipped; any other must exit 0: the jobs it
     * names exist, so a usage error (exit 2) or any other failure means the documentation is wrong. {@code CURSOR}
     * is replaced by the last events cursor printed.
     */
    static final class Runner {
        private static final Pattern CURSOR = Pattern.compile("\"cursor\":\"(\\d+)\"");
        private final Daemon d;
        private final Map<String, String> env = new HashMap<>();
        private final Set<String> registered = Cli.commandLine().getSubcommands().keySet();
        private final List<String> failures = new ArrayList<>();
        private final List<String> report = new ArrayList<>();
        private int ran;
        private String cursor = "0";

        Runner(Daemon d, Path tmp) throws IOException {
            this.d = d;
            Path bin = Files.createDirectories(tmp.resolve("bin"));
            script(bin.resolve("bgrun"), "#!/bin/sh\nexec '" + BgrunProcess.JAVA + "' -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar '"
                    + BgrunProcess.JAR + "' \"$@\"\n");
            script(bin.resolve("npm"), """
                    #!/bin/sh
                    case "$*" in
                      "run dev") echo "  VITE ready"; echo "  Local:   http://localhost:5173/"
                                 while true; do sleep 0.3; echo "hmr update compiled"; done ;;
                      "run worker") echo "worker: polling"; exec sleep 3600 ;;
                      test) echo "tests passed"; exit 0 ;;
                      *) echo "npm stand-in: $*" >&2; exit 1 ;;
                    esac
                    """);
            env.putAll(d.env());
            env.put("HOME", Files.createDirectories(tmp.resolve("user-home")).toString());
            env.put("PATH", bin + ":" + System.getenv("PATH"));
        }

        private static void script(Path file, String text) throws IOException {
            Files.writeString(file, text);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        }

        void run(Path cwd, String source, String line) throws IOException {
            String command = commandWord(line);
            if (!registered.contains(command)) {
                String near = Suggestions.nearest(command, registered);
                if (near != null) { // a typo, not a command still to come
                    failures.add(source + ": " + line + "\nno command " + command + "; did you mean " + near + "?");
                }
                report.add("skipped (no command " + command + " yet): " + line);
                return;
            }
            String actual = line.replace("CURSOR", cursor);
            Result r = BgrunProcess.run(cwd, env, List.of("sh", "-c", actual));
            ran++;
            report.add("exit " + r.exitCode() + ": " + actual);
            Matcher m = CURSOR.matcher(r.out());
            while (m.find()) {
                cursor = m.group(1);
            }
            if (r.exitCode() != 0) { // 2 (usage) above all; but every line works in the context set up for it
                failures.add(source + ": " + actual + "\n" + r);
            }
        }

        List<String> failures() {
            return failures;
        }

        void assertAllRan(int atLeast) {
            assertThat(failures).as(String.join("\n", report)).isEmpty();
            assertThat(ran).as(String.join("\n", report)).isGreaterThanOrEqualTo(atLeast);
        }

        private static String commandWord(String line) {
            String[] words = line.trim().split("\\s+");
            for (int i = 1; i < words.length; i++) {
                if (words[i].equals("-f") || words[i].equals("--file")) {
                    i++;
                } else if (!words[i].startsWith("-")) {
                    return words[i];
                }
            }
            return "";
        }
    }

    private static List<String> names(JsonNode report) {
        return texts(report.get("checks"), "name");
    }

    private static JsonNode check(JsonNode report, String name) {
        for (JsonNode c : report.get("checks")) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no check " + name + " in " + report);
    }

    /** The texts of an array, or of one field of each of its objects. */
    private static List<String> texts(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        for (JsonNode item : array) {
            out.add(field == null ? item.asText() : item.get(field).asText());
        }
        return out;
    }
}
