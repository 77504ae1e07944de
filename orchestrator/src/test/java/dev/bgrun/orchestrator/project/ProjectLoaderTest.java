package dev.bgrun.orchestrator.project;

import dev.bgrun.orchestrator.config.Command;
import dev.bgrun.orchestrator.config.ConfigException;
import dev.bgrun.orchestrator.config.ConfigProblem;
import dev.bgrun.orchestrator.config.Condition;
import dev.bgrun.orchestrator.config.JobKeys;
import dev.bgrun.orchestrator.config.JobSpec;
import dev.bgrun.orchestrator.config.RestartPolicy;
import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProjectLoaderTest {
    private static final Path SAMPLES = Path.of("..", "samples").toAbsolutePath().normalize();
    private static final Path FILE = Path.of("/work/app/bgrun.toml");

    static Project load(String toml) {
        return ProjectLoader.parse(toml, FILE, "bgrun.toml");
    }

    static List<String> problems(String toml) {
        try {
            load(toml);
        } catch (ConfigException e) {
            return e.problems().stream().map(ConfigProblem::render).toList();
        }
        throw new AssertionError("expected the file to be invalid:\n" + toml);
    }

    static List<String> brokenSample(String name) {
        Path file = SAMPLES.resolve("broken").resolve(name);
        try {
            ProjectLoader.load(file, "broken/" + name);
        } catch (ConfigException e) {
            return e.problems().stream().map(ConfigProblem::render).toList();
        }
        throw new AssertionError("expected " + name + " to be invalid");
    }

    @Test
    void loadsTheSampleStack() {
        Project project = ProjectLoader.load(SAMPLES.resolve("bgrun.toml"));
        assertThat(project.workspace()).isEqualTo("sample");
        assertThat(project.jobs()).containsOnlyKeys("db", "migrate", "web", "worker");
        assertThat(project.jobs().keySet()).containsExactly("db", "migrate", "web", "worker");
        JobSpec web = project.job("web");
        assertThat(web.cmd()).isEqualTo(Command.exec(List.of("java", "Web.java")));
        assertThat(web.after()).extracting(d -> d.job() + "=" + d.condition())
                .containsExactly("db=READY", "migrate=COMPLETED");
        assertThat(web.get(JobKeys.STOP_TIMEOUT)).isEqualTo(Duration.ofSeconds(5));
        assertThat(web.sourceOf(JobKeys.STOP_TIMEOUT)).isEqualTo(JobSpec.Source.DEFAULTS);
        assertThat(web.restart()).isEqualTo(RestartPolicy.ON_FAILURE);
        assertThat(project.workingDirectory(web)).isEqualTo(SAMPLES);
        assertThat(project.graph().layers()).containsExactly(
                List.of("db"), List.of("migrate"), List.of("web"), List.of("worker"));
    }

    @Test
    void readsEveryFormOfAfter() {
        Project project = load("""
                [jobs.db]
                cmd = "db"
                [jobs.seed]
                cmd = "seed"
                oneshot = true
                after = "db"
                [jobs.api]
                cmd = "api"
                after = ["db", "seed"]
                [jobs.e2e]
                cmd = "e2e"
                after = { api = "started", seed = "exited" }
                """);
        assertThat(project.graph().dependenciesOf("seed")).extracting(e -> e.dependency() + ":" + e.condition())
                .containsExactly("db:READY");
        // A oneshot dependency is awaited until it completes unless the edge says otherwise.
        assertThat(project.graph().dependenciesOf("api")).extracting(e -> e.dependency() + ":" + e.condition())
                .containsExactly("db:READY", "seed:COMPLETED");
        assertThat(project.graph().dependenciesOf("e2e")).extracting(e -> e.dependency() + ":" + e.condition())
                .containsExactly("seed:EXITED", "api:STARTED");
        assertThat(project.graph().layers()).containsExactly(List.of("db"), List.of("seed"), List.of("api"), List.of("e2e"));
    }

    @Test
    void appliesDefaultsAndMergesEnv() {
        Project project = load("""
                workspace = "shop"
                [defaults]
                restart = "on-failure"
                env = { LOG = "info", REGION = "eu" }
                ready-timeout = "1m30s"
                [jobs.api]
                cmd = ["./api", "--port", "8080"]
                env = { LOG = "debug" }
                backoff-ms = 250
                health-check-port = 8080
                health-interval-secs = 2
                stop-signal = "SIGINT"
                """);
        JobSpec api = project.job("api");
        assertThat(project.workspace()).isEqualTo("shop");
        assertThat(api.env()).containsExactly(Map.entry("LOG", "debug"), Map.entry("REGION", "eu"));
        assertThat(api.readyTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(api.get(JobKeys.BACKOFF_MS)).isEqualTo(Duration.ofMillis(250));
        assertThat(api.get(JobKeys.HEALTH_INTERVAL_SECS)).isEqualTo(Duration.ofSeconds(2));
        assertThat(api.get(JobKeys.STOP_SIGNAL)).isEqualTo("INT");
        assertThat(api.get(JobKeys.HEALTH_CHECK_PORT)).isEqualTo("8080");
        assertThat(api.get(JobKeys.STOP_TIMEOUT)).isEqualTo(Duration.ofSeconds(5));
        assertThat(api.sourceOf(JobKeys.STOP_TIMEOUT)).isEqualTo(JobSpec.Source.BUILT_IN);
        assertThat(api.cmd().shell()).isFalse();
        assertThat(api.cmd().processArgv()).containsExactly("./api", "--port", "8080");
    }

    @Test
    void aStringCommandRunsThroughTheShell() {
        JobSpec job = load("[jobs.a]\ncmd = \"echo hi && sleep 1\"\n").job("a");
        assertThat(job.cmd().processArgv()).containsExactly("/bin/sh", "-c", "echo hi && sleep 1");
    }

    @Test
    void workspaceDefaultsToTheProjectDirectoryName() {
        Project project = ProjectLoader.parse("[jobs.a]\ncmd = \"x\"\n", Path.of("/src/my app!/bgrun.toml"), "bgrun.toml");
        assertThat(project.workspace()).isEqualTo("my-app-");
    }

    @Test
    void cwdIsRelativeToTheProjectFile() {
        Project project = load("[jobs.a]\ncmd = \"x\"\ncwd = \"services/../api\"\n");
        assertThat(project.workingDirectory(project.job("a"))).isEqualTo(Path.of("/work/app/api"));
    }

    @Test
    void reportsASyntaxErrorWithItsPosition() {
        assertThat(brokenSample("syntax.toml")).containsExactly(
                "broken/syntax.toml:4:38: not valid TOML: Unexpected end of line, expected \" or a character");
    }

    @Test
    void suggestsTheNearestKeyForAnUnknownOne() {
        assertThat(brokenSample("unknown-key.toml")).containsExactly(
                "broken/unknown-key.toml:4:1: jobs.db.ready-when-prot: unknown key; did you mean \"ready-when-port\"?");
        assertThat(problems("[jobs.a]\ncmd = \"x\"\nrestart = \"always\"\nbackoff = 5\n")).containsExactly(
                "bgrun.toml:4:1: jobs.a.backoff: unknown key; did you mean \"backoff-ms\"?");
    }

    @Test
    void reportsAnUnknownAfterTarget() {
        assertThat(brokenSample("unknown-after.toml")).containsExactly(
                "broken/unknown-after.toml:7:1: jobs.web.after: unknown job \"dbb\"; did you mean \"db\"?");
    }

    @Test
    void namesACycleInFull() {
        assertThat(brokenSample("cycle.toml")).containsExactly(
                "broken/cycle.toml:4:1: jobs.db.after: dependency cycle: db -> server -> worker -> db (each job waits for the next)");
        assertThat(problems("[jobs.a]\ncmd = \"x\"\nafter = \"a\"\n")).containsExactly(
                "bgrun.toml:3:1: jobs.a.after: dependency cycle: a -> a (each job waits for the next)");
    }

    @Test
    void reportsEachCycleOnce() {
        assertThat(problems("""
                [jobs.a]
                cmd = "x"
                after = ["b"]
                [jobs.b]
                cmd = "x"
                after = ["a"]
                [jobs.c]
                cmd = "x"
                after = ["d"]
                [jobs.d]
                cmd = "x"
                after = ["c", "a"]
                """)).containsExactly(
                "bgrun.toml:3:1: jobs.a.after: dependency cycle: a -> b -> a (each job waits for the next)",
                "bgrun.toml:9:1: jobs.c.after: dependency cycle: c -> d -> c (each job waits for the next)");
    }

    @Test
    void reportsAnInvalidRegex() {
        assertThat(brokenSample("bad-regex.toml")).containsExactly(
                "broken/bad-regex.toml:4:1: jobs.db.ready-when-regex: invalid regular expression: Unclosed group near index 18 in \"listening on (port\"");
    }

    @Test
    void reportsAPortOutOfRange() {
        assertThat(brokenSample("bad-port.toml")).containsExactly(
                "broken/bad-port.toml:4:1: jobs.db.ready-when-port: port 70000 is out of range: expected a port from 1 to 65535 or a string such as \"${PORT}\"");
        assertThat(problems("[jobs.a]\ncmd = \"x\"\nready-when-port = 0\n")).containsExactly(
                "bgrun.toml:3:1: jobs.a.ready-when-port: port 0 is out of range: expected a port from 1 to 65535 or a string such as \"${PORT}\"");
        assertThat(problems("[jobs.a]\ncmd = \"x\"\nready-when-port = \"http\"\n")).containsExactly(
                "bgrun.toml:3:1: jobs.a.ready-when-port: expected a port from 1 to 65535 or a string such as \"${PORT}\", got a string (\"http\")");
    }

    @Test
    void reportsABadDuration() {
        assertThat(brokenSample("bad-duration.toml")).containsExactly(
                "broken/bad-duration.toml:4:1: jobs.db.ready-timeout: expected a duration such as \"500ms\", \"30s\" or \"5m\", got \"10 parsecs\"");
        assertThat(problems("[jobs.a]\ncmd = \"x\"\nstop-timeout = 10\n")).containsExactly(
                "bgrun.toml:3:1: jobs.a.stop-timeout: expected a duration such as \"500ms\", \"30s\" or \"5m\" (a bare number has no unit here), got 10; did you mean \"10s\"?");
    }

    @Test
    void reportsContradictoryKeys() {
        assertThat(brokenSample("contradictory.toml")).containsExactly(
                "broken/contradictory.toml:5:1: jobs.seed.restart: a oneshot job is meant to finish, and restart = \"always\" would run it forever; use \"on-failure\" to retry it, or drop oneshot");
        assertThat(problems("""
                [jobs.a]
                cmd = "x"
                oneshot = true
                ready-when = "done"
                health-check-port = 80
                cols = 100
                max-restarts = 3
                health-threshold = 2
                """)).containsExactly(
                "bgrun.toml:4:1: jobs.a.ready-when: a oneshot job's target is completed (exit 0), so it has no readiness rule; remove ready-when or drop oneshot",
                "bgrun.toml:5:1: jobs.a.health-check-port: a oneshot job has no health checks; remove health-check-port or drop oneshot",
                "bgrun.toml:6:1: jobs.a.cols: cols has an effect only with pty = true",
                "bgrun.toml:7:1: jobs.a.max-restarts: max-restarts has no effect with restart = \"never\"; set restart too");
        assertThat(problems("[jobs.a]\ncmd = \"x\"\nrestart = \"always\"\nbackoff-ms = \"10s\"\nbackoff-max-ms = \"1s\"\n"))
                .containsExactly("bgrun.toml:5:1: jobs.a.backoff-max-ms: backoff-max-ms (1s) is shorter than backoff-ms (10s)");
    }

    @Test
    void contradictionsInheritedFromDefaultsCountToo() {
        assertThat(problems("[defaults]\nrestart = \"always\"\n[jobs.seed]\ncmd = \"x\"\noneshot = true\n")).containsExactly(
                "bgrun.toml:3:1: jobs.seed.restart: a oneshot job is meant to finish, and restart = \"always\" would run it forever; use \"on-failure\" to retry it, or drop oneshot");
    }

    @Test
    void rejectsZeroIntervalsAndBadWorkspaceNames() {
        assertThat(problems("[jobs.a]\ncmd = \"x\"\nready-timeout = \"0s\"\nworkspace = \"my ws\"\nstop-timeout = \"0s\"\n")).containsExactly(
                "bgrun.toml:3:1: jobs.a.ready-timeout: expected a duration greater than zero",
                "bgrun.toml:4:1: jobs.a.workspace: expected a workspace name (letters, digits, underscores, dots and hyphens, at most 64 characters), got \"my ws\"");
    }

    @Test
    void oneBadConditionDoesNotHideTheOtherEdges() {
        assertThat(problems("[jobs.m]\ncmd = \"x\"\n[jobs.a]\ncmd = \"x\"\nafter = { m = \"redy\", q = \"started\" }\n")).containsExactly(
                "bgrun.toml:5:11: jobs.a.after.m: expected one of \"started\", \"ready\", \"completed\", \"exited\", got a string (\"redy\"); did you mean \"ready\"?",
                "bgrun.toml:5:23: jobs.a.after: unknown job \"q\"; did you mean \"m\"?");
    }

    @Test
    void defaultConditionsAreSettledInTheLoadedProject() {
        Project project = load("[jobs.seed]\ncmd = \"x\"\noneshot = true\n[jobs.a]\ncmd = \"x\"\nafter = [\"seed\"]\n");
        assertThat(project.job("a").toJson().get("after")).isEqualTo(Map.of("seed", "completed"));
    }

    @Test
    void aOneshotDependencyIsNeverReady() {
        assertThat(problems("""
                [jobs.migrate]
                cmd = "x"
                oneshot = true
                [jobs.api]
                cmd = "y"
                after = { migrate = "ready" }
                """)).containsExactly(
                "bgrun.toml:6:11: jobs.api.after: \"migrate\" is a oneshot job and is never ready; wait for \"completed\" (exit 0) or \"exited\" instead; did you mean \"completed\"?");
    }

    @Test
    void checksInterpolationReferences() {
        assertThat(brokenSample("bad-interpolation.toml")).containsExactly(
                "broken/bad-interpolation.toml:8:1: jobs.web.env: ${db.DB_PORT} refers to job \"db\", which \"web\" does not wait for; add \"db\" to its after");
        assertThat(problems("""
                [jobs.db]
                cmd = "db"
                allocate-port = "PORT"
                [jobs.api]
                cmd = "api --db ${db.PROT} --cache ${cache.PORT}"
                after = "db"
                """)).containsExactly(
                "bgrun.toml:5:1: jobs.api.cmd: ${db.PROT}: job \"db\" defines no variable PROT (it defines PORT); did you mean \"PORT\"?",
                "bgrun.toml:5:1: jobs.api.cmd: ${cache.PORT} refers to unknown job \"cache\"");
    }

    @Test
    void interpolationReachesTransitiveDependenciesAndOwnVariables() {
        Project project = load("""
                [jobs.db]
                cmd = "db"
                allocate-port = "PORT"
                [jobs.api]
                cmd = "api"
                after = "db"
                allocate-port = "PORT"
                ready-when-url = "http://127.0.0.1:${PORT}/health"
                [jobs.e2e]
                cmd = "e2e --db ${db.PORT} --api ${api.PORT} ${HOME} ${X:-y} $${literal}"
                after = "api"
                """);
        assertThat(project.job("e2e").cmd().argv().getFirst()).contains("${db.PORT}");
    }

    @Test
    void reportsWrongTypes() {
        assertThat(brokenSample("wrong-type.toml")).containsExactly(
                "broken/wrong-type.toml:3:1: jobs.db.cmd: expected a string (run by /bin/sh -c) or a non-empty array of strings, got an integer (42)");
        assertThat(problems("""
                [jobs.a]
                cmd = []
                pty = "yes"
                env = { PORT = [1] }
                tags = "web"
                after = 3
                """)).containsExactly(
                "bgrun.toml:2:1: jobs.a.cmd: expected a string (run by /bin/sh -c) or a non-empty array of strings, got an empty array",
                "bgrun.toml:3:1: jobs.a.pty: expected true or false, got a string (\"yes\")",
                "bgrun.toml:4:9: jobs.a.env.PORT: expected a string, number or boolean, got an array",
                "bgrun.toml:5:1: jobs.a.tags: expected an array of strings, got a string (\"web\")",
                "bgrun.toml:6:1: jobs.a.after: expected a job name, an array of job names, or a table such as { db = \"ready\" }, got an integer (3)");
    }

    @Test
    void reportsEveryProblemAtOnceInFileOrder() {
        assertThat(brokenSample("many-errors.toml")).containsExactly(
                "broken/many-errors.toml:4:1: jobs.db.ready-when-prot: unknown key; did you mean \"ready-when-port\"?",
                "broken/many-errors.toml:5:1: jobs.db.ready-when-port: port 99999 is out of range: expected a port from 1 to 65535 or a string such as \"${PORT}\"",
                "broken/many-errors.toml:9:1: jobs.web.after: unknown job \"dbb\"; did you mean \"db\"?",
                "broken/many-errors.toml:10:1: jobs.web.restart: expected one of \"never\", \"on-failure\", \"on-crash\", \"always\", got \"sometimes\"");
    }

    @Test
    void checksTheDocumentStructure() {
        assertThat(problems("workspace = \"bad name!\"\njob = 1\n[defaults]\ncmd = \"x\"\nafter = \"y\"\n")).containsExactly(
                "bgrun.toml:1:1: workspace: expected a workspace name (letters, digits, underscores, dots and hyphens, at most 64 characters), got a string (\"bad name!\")",
                "bgrun.toml:1:1: jobs: no jobs defined; add a [jobs.NAME] table with a cmd",
                "bgrun.toml:2:1: job: unknown top-level key (expected workspace, [defaults] or [jobs.NAME] tables); did you mean \"jobs\"?",
                "bgrun.toml:4:1: defaults.cmd: \"cmd\" cannot be set in [defaults]; set it on each job",
                "bgrun.toml:5:1: defaults.after: \"after\" cannot be set in [defaults]; set it on each job");
        assertThat(problems("[jobs]\nweb = \"x\"\n[jobs.\"a.b\"]\ncmd = \"x\"\n[jobs.c]\ndescription = \"no cmd\"\n")).containsExactly(
                "bgrun.toml:2:1: jobs.web: expected a table such as [jobs.web] with a cmd, got a string (\"x\")",
                "bgrun.toml:3:1: jobs.\"a.b\": invalid job name: use letters, digits, underscores and hyphens (no dots or slashes), at most 64 characters; did you mean \"a-b\"?",
                "bgrun.toml:5:1: jobs.c: missing required key \"cmd\"");
    }

    @Test
    void turnsAParserCrashIntoALocatedError() {
        // tomlj 2.2.0 throws AssertionError on these 7 bytes when assertions are on (JAVA-NOTES).
        List<String> found = problems("[4#'\u0001\n\n");
        assertThat(found).hasSize(1);
        assertThat(found.getFirst()).matches("bgrun\\.toml:\\d+:\\d+: not valid TOML: .*");
    }

    @Test
    void rejectsTextThatIsNotUtf8() throws IOException {
        assertThatThrownBy(() -> ProjectLoader.decode(new byte[]{'a', '\n', 'b', 'c', (byte) 0xff}, "x.toml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems().getFirst().render())
                        .isEqualTo("x.toml:2:3: not valid TOML: the file is not UTF-8 text (bad byte at byte offset 4)"));
    }

    @Test
    void discoversTheFileWalkingUpToTheRepositoryRoot(@TempDir Path tmp) throws IOException {
        Path repo = tmp.resolve("repo");
        Path deep = Files.createDirectories(repo.resolve("a/b/c"));
        Files.createDirectory(repo.resolve(".git"));
        Files.writeString(repo.resolve("a/bgrun.toml"), "[jobs.x]\ncmd = \"x\"\n");
        assertThat(ProjectFiles.discover(deep)).isEqualTo(repo.resolve("a/bgrun.toml"));

        // Never past the repository root, even when a file exists above it.
        Files.delete(repo.resolve("a/bgrun.toml"));
        Files.writeString(tmp.resolve("bgrun.toml"), "[jobs.x]\ncmd = \"x\"\n");
        assertThatThrownBy(() -> ProjectFiles.discover(deep))
                .isInstanceOfSatisfying(BgrunException.class, e -> {
                    assertThat(e.type()).isEqualTo(ErrorType.ConfigNotFound);
                    assertThat(e.getMessage()).contains("no bgrun.toml found in " + deep);
                    assertThat(e.details().get("looked_in")).asList().hasSize(4);
                });
    }

    @Test
    void aMissingFileIsNotFound() {
        assertThatThrownBy(() -> ProjectLoader.load(Path.of("/nonexistent/bgrun.toml"), "bgrun.toml"))
                .isInstanceOfSatisfying(BgrunException.class, e -> assertThat(e.type()).isEqualTo(ErrorType.ConfigNotFound));
    }

    @Test
    void conditionKeywordsRoundTrip() {
        for (Condition c : Condition.values()) {
            assertThat(Condition.fromKeyword(c.keyword())).isEqualTo(c);
        }
    }
}
