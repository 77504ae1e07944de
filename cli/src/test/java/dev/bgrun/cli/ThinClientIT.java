package dev.bgrun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgrun.cli.BgrunProcess.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The thin client: commands run in the daemon with the client's directory, environment and streams, the client
 * loads none of the libraries, what must happen on the user's side happens there (stdin, exec's terminal, a
 * question, Ctrl-C), commands that need no daemon start none, and a daemon of another build is replaced.
 */
class ThinClientIT {
    @TempDir
    Path tmp;

    @Test
    void theClientLoadsNoLibraryAndNoCommandClass() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            d.run("--name", "s", "--", "sleep", "300");
            List<String> command = new ArrayList<>(List.of(BgrunProcess.JAVA, "-Xlog:class+load:file=" + tmp.resolve("classes.log"),
                    "-jar", BgrunProcess.JAR.toString(), "status", "s"));
            Result r = BgrunProcess.run(d.work, d.env(), command);
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.out()).contains("\"name\":\"s\"");
            List<String> loaded = Files.readAllLines(tmp.resolve("classes.log"));
            assertThat(loaded).as("classes loaded").anyMatch(l -> l.contains("dev.bgrun.cli.client.BgrunClient"));
            assertThat(loaded).as("the client loads no library and no command")
                    .noneMatch(l -> l.matches(".*\\b(picocli|com\\.fasterxml|org\\.tomlj|okhttp3|org\\.jgrapht)\\..*"))
                    .noneMatch(l -> l.matches(".*\\bdev\\.bgrun\\.cli\\.(Cli|BgrunCommand|Output|jobs\\.|stack\\.|config\\.|discovery\\.|host\\.).*"))
                    .noneMatch(l -> l.contains("dev.bgrun.orchestrator.json."));
            assertThat(loaded).as("it talks through the socket library beside the jar, not the JDK's channel")
                    .noneMatch(l -> l.contains("sun.nio.ch.UnixDomainSockets "))
                    .noneMatch(l -> l.contains("java.security.SecureRandom "));
        }
    }

    @Test
    void theClientsOwnJarServesWithoutOpeningTheFullJarAndStartsTheDaemonFromIt() throws IOException {
        Path clientJar = BgrunProcess.JAR.resolveSibling("bgrun-client.jar");
        assertThat(clientJar).as("the build makes the client's jar beside bgrun.jar").isRegularFile();
        try (Daemon d = new Daemon(tmp)) {
            d.run("--name", "s", "--", "sleep", "300");
            long daemon = d.daemonPid();
            Result r = BgrunProcess.run(d.work, d.env(), List.of(BgrunProcess.JAVA,
                    "-Xlog:class+load:file=" + tmp.resolve("client.log"), "-jar", clientJar.toString(), "status", "s"));
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.out()).contains("\"name\":\"s\"");
            List<String> loaded = Files.readAllLines(tmp.resolve("client.log"));
            assertThat(loaded).as("classes loaded").anyMatch(l -> l.contains("dev.bgrun.cli.client.BgrunClient source: file:" + clientJar));
            assertThat(loaded).as("no class from the full jar").noneMatch(l -> l.contains(BgrunProcess.JAR.toString()));
            assertThat(d.daemonPid()).as("the client's jar speaks for bgrun.jar's build: the daemon was not replaced")
                    .isEqualTo(daemon);

            // With no daemon, the client's jar starts one from bgrun.jar, which it names as its own build.
            assertThat(d.json("daemon", "stop").get("stopping").asBoolean()).isTrue();
            await().atMost(Duration.ofSeconds(60)).until(() -> ProcessHandle.of(daemon).isEmpty());
            Result list = BgrunProcess.run(d.work, d.env(), List.of(BgrunProcess.JAVA, "-jar", clientJar.toString(), "list"));
            assertThat(list.exitCode()).as(list.toString()).isZero();
            assertThat(list.out()).contains("\"name\":\"s\""); // adopted by the new daemon
            long started = d.daemonPid();
            assertThat(ProcessHandle.of(started).flatMap(p -> p.info().commandLine()).orElse(""))
                    .as("the new daemon runs from its copy of bgrun.jar").contains("daemon-").doesNotContain("bgrun-client");
            Result again = BgrunProcess.run(d.work, d.env(), List.of(BgrunProcess.JAVA, "-jar", BgrunProcess.JAR.toString(), "status", "s"));
            assertThat(again.exitCode()).as(again.toString()).isZero();
            assertThat(d.daemonPid()).as("bgrun.jar's client finds the same build").isEqualTo(started);
        }
    }

    @Test
    void theLauncherKeepsItsCachesToTheJarsBuildAndPassesEveryArgumentWhole() throws Exception {
        // A copy of the build in a directory whose name has a space, as an installation might be.
        Path dir = Files.createDirectories(tmp.resolve("lib dir"));
        Path jar = dir.resolve("bgrun.jar");
        Files.copy(BgrunProcess.JAR, jar);
        Files.copy(BgrunProcess.JAR.resolveSibling("bgrun-client.jar"), dir.resolve("bgrun-client.jar"));
        String javaHome = System.getProperty("java.home");
        Map<String, String> env = Map.of("BGRUN_HOME", tmp.resolve("home").toString());
        Result made = BgrunProcess.run(tmp, env, List.of(BgrunProcess.RUN_JAR.toString(), javaHome, jar.toString(), "--make-aot-caches"));
        assertThat(made.exitCode()).as(made.toString()).isZero();
        Path client = dir.resolve("bgrun.aot");
        Path local = dir.resolve("bgrun-local.aot");
        assertThat(Files.getLastModifiedTime(client)).as("a cache has its jar's time").isEqualTo(Files.getLastModifiedTime(jar));
        assertThat(Files.getLastModifiedTime(local)).isEqualTo(Files.getLastModifiedTime(jar));
        assertThat(tmp.resolve("home")).as("the client's training used a state root of its own").doesNotExist();

        // A rebuilt jar (another time): the cache a call needs is made again, for the new build.
        FileTime rebuilt = FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 5_000);
        Files.setLastModifiedTime(jar, rebuilt);
        Path project = Files.createDirectories(tmp.resolve("my project"));
        Files.writeString(project.resolve("bgrun.toml"), "[jobs.\"web\"]\ncmd = \"sleep 1\"\n");
        Result check = BgrunProcess.run(tmp, env, List.of(BgrunProcess.RUN_JAR.toString(), javaHome, jar.toString(),
                "config", "check", project.resolve("bgrun.toml").toString(), "--json"));
        assertThat(check.exitCode()).as(check.toString()).isZero();
        assertThat(check.out()).contains("\"valid\":true").contains("my project");
        assertThat(Files.getLastModifiedTime(local)).as("the local cache, made again").isEqualTo(rebuilt);
        assertThat(Files.getLastModifiedTime(client)).as("the client's, stale until a client call").isNotEqualTo(rebuilt);
    }

    @Test
    void aJarWithoutItsSocketLibraryUsesTheJdksChannel() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            d.run("--name", "s", "--", "sleep", "300");
            Path alone = Files.createDirectories(tmp.resolve("alone")).resolve("bgrun.jar");
            Files.copy(BgrunProcess.JAR, alone, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES); // the same build
            long daemon = d.daemonPid();
            Result r = BgrunProcess.run(d.work, d.env(), List.of(BgrunProcess.JAVA,
                    "-Xlog:class+load:file=" + tmp.resolve("alone.log"), "-jar", alone.toString(), "status", "s"));
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.out()).contains("\"name\":\"s\"");
            assertThat(Files.readAllLines(tmp.resolve("alone.log"))).as("classes loaded")
                    .anyMatch(l -> l.contains("sun.nio.ch.UnixDomainSockets "));
            assertThat(d.daemonPid()).as("the same build: the daemon was not replaced").isEqualTo(daemon);
        }
    }

    @Test
    void commandsSeeTheClientsDirectoryEnvironmentAndStandardInput() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            d.bgrun("list"); // the daemon starts here, in another directory than the next commands
            Path sub = Files.createDirectories(d.work.resolve("sub"));
            Map<String, String> env = new HashMap<>(d.env());
            env.put("THIN_CLIENT_VALUE", "from the client");
            Result run = BgrunProcess.run(sub, env, List.of(BgrunProcess.JAVA, "-jar", BgrunProcess.JAR.toString(),
                    "run", "--name", "where", "--stdin", "--", "sh", "-c", "pwd; echo \"$THIN_CLIENT_VALUE\"; exec cat"));
            assertThat(run.exitCode()).as(run.toString()).isZero();
            d.remember(Daemon.JSON.readTree(run.out()));
            // send - reads the client's standard input.
            Result sent = withInput("hello from stdin\n", d.work, d.env(), "send", "where", "-");
            assertThat(sent.exitCode()).as(sent.toString()).isZero();
            // A relative -f is relative to the client's directory.
            Files.writeString(sub.resolve("other.toml"), "[jobs.x]\ncmd = \"true\"\n");
            Result check = BgrunProcess.run(sub, d.env(), List.of(BgrunProcess.JAVA, "-jar", BgrunProcess.JAR.toString(),
                    "config", "check", "-f", "other.toml"));
            assertThat(check.exitCode()).as(check.toString()).isZero();
            assertThat(check.out()).contains(sub.resolve("other.toml").toString());

            await().atMost(Duration.ofSeconds(30)).until(() -> d.bgrun("tail", "where").out().contains("hello from stdin"));
            String tail = d.bgrun("tail", "where").out();
            assertThat(tail).contains(sub.toString()).contains("from the client");
        }
    }

    @Test
    void commandsThatNeedNoDaemonStartNone() {
        Path home = tmp.resolve("home");
        Map<String, String> env = Map.of("BGRUN_HOME", home.toString());
        for (String[] args : new String[][]{{"--version"}, {"--help"}, {"schema", "list"}, {"capabilities"},
                {"daemon", "status"}, {"run", "--help"}}) {
            Result r = BgrunProcess.bgrun(tmp, env, args);
            assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r).isZero();
        }
        assertThat(home.resolve("daemon.sock")).doesNotExist();
        assertThat(home.resolve("daemon.pid")).doesNotExist();
    }

    @Test
    void ctrlCOnAWaitingCommandEndsItWith130AndFreesItsHandler() throws Exception {
        try (Daemon d = new Daemon(tmp)) {
            d.run("--name", "slow", "--ready-when", "never printed", "--", "sleep", "300");
            try (Background wait = new Background(d.work, d.env(), "wait", "slow", "--timeout", "5m")) {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> d.json("daemon", "status").get("connections").asInt() >= 1);
                assertThat(wait.interrupt()).as(String.join("\n", wait.lines())).isEqualTo(130);
            }
            // The wait's handler in the daemon ends with its client; the job goes on.
            await().atMost(Duration.ofSeconds(30)).until(() -> d.json("daemon", "status").get("connections").asInt() == 0);
            assertThat(d.status("slow").get("state").asText()).isEqualTo("running");
        }
    }

    @Test
    void ctrlCAtAnyMomentOfAClientsLifeEndsItWith130() throws Exception {
        try (Daemon d = new Daemon(tmp)) {
            d.run("--name", "slow", "--ready-when", "never printed", "--", "sleep", "300");
            // The signal as soon as each client is java: it lands wherever that client's start has got to (the
            // JVM's set-up, the connect, after its HELLO). Each ends at once with 130, and none is lost.
            for (int i = 0; i < 16; i++) {
                try (Background wait = new Background(d.work, d.env(), "wait", "slow", "--timeout", "5m")) {
                    assertThat(wait.interrupt()).as("client %d: %s", i, wait.lines()).isEqualTo(130);
                }
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> d.json("daemon", "status").get("connections").asInt() == 0);
            assertThat(d.status("slow").get("state").asText()).isEqualTo("running");
        }
    }

    @Test
    void execRunsItsCommandAsTheClientsChildWithItsStandardInput() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            BgrunProcess.project(d.work, """
                    [jobs.svc]
                    cmd = "echo up; exec sleep 300"
                    ready-when = "up"
                    allocate-port = "PORT"
                    """);
            Result r = withInput("typed in\n", d.work, d.env(), "exec", "svc", "--", "sh", "-c",
                    "read line; echo \"child got: $line port $PORT ppid $PPID\"; exit 3");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
            assertThat(r.out()).contains("child got: typed in port ");
            long ppid = Long.parseLong(r.out().replaceAll("(?s).*ppid (\\d+).*", "$1"));
            assertThat(ppid).as("the command's parent is the client, not the daemon").isNotEqualTo(d.daemonPid());
        }
    }

    @Test
    void cleanAsksItsQuestionOnTheClientsTerminal() throws Exception {
        try (Daemon d = new Daemon(tmp)) {
            d.run("--name", "done", "--", "true");
            d.awaitState("done", "exited");
            // script(1) gives the client a pseudo-terminal; "n" answers the question, then "y" the second run.
            for (String answer : new String[]{"n", "y"}) {
                String client = BgrunProcess.JAVA + " -jar " + BgrunProcess.JAR + " --no-json clean";
                ProcessBuilder pb = new ProcessBuilder("script", "-qec", client, "/dev/null").directory(d.work.toFile())
                        .redirectErrorStream(true);
                pb.environment().putAll(d.env());
                Process p = pb.start();
                p.getOutputStream().write((answer + "\n").getBytes(StandardCharsets.UTF_8));
                p.getOutputStream().flush();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(out).as(out).contains("remove these 1 jobs and their logs? [y/N]");
                assertThat(out).as(out).contains(answer.equals("n") ? "nothing removed" : "removed 1");
            }
            assertThat(d.bgrunLines("list")).isEmpty();
        }
    }

    @Test
    void aDaemonOfAnotherBuildIsReplacedAndItsJobsAdopted() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            JsonNode job = d.run("--name", "keeps", "--", "sleep", "300");
            long oldDaemon = d.daemonPid();
            // Another build: the same jar with another modification time.
            Path other = tmp.resolve("other-bgrun.jar");
            Files.copy(BgrunProcess.JAR, other);
            Files.setLastModifiedTime(other, FileTime.fromMillis(Files.getLastModifiedTime(BgrunProcess.JAR).toMillis() - 60_000));
            Result r = BgrunProcess.run(d.work, d.env(), List.of(BgrunProcess.JAVA, "-jar", other.toString(), "status", "keeps"));
            assertThat(r.exitCode()).as(r.toString()).isZero();
            JsonNode status = Daemon.JSON.readTree(r.out());
            assertThat(status.get("pid").asLong()).isEqualTo(job.get("pid").asLong());
            assertThat(status.get("state").asText()).isEqualTo("ready");
            assertThat(Daemon.alive(oldDaemon)).as("the old daemon has stopped").isFalse();
            long newDaemon = d.daemonPid(); // and back to this build: replaced once more
            assertThat(newDaemon).isNotEqualTo(oldDaemon);
            assertThat(d.status("keeps").get("pid").asLong()).isEqualTo(job.get("pid").asLong());
        }
    }

    private static Result withInput(String input, Path cwd, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(BgrunProcess.JAVA, "-jar", BgrunProcess.JAR.toString()));
        command.addAll(List.of(args));
        return BgrunProcess.run(cwd, env, command, input);
    }
}
