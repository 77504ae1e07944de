package dev.bgrun.cli.client;

import dev.bgrun.cli.Cli;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The client's two lists of commands against the parser's: each command is in exactly one. */
class BgrunClientTest {
    @Test
    void everyCommandEitherNeedsTheDaemonOrRunsWithoutOne() {
        Set<String> commands = new HashSet<>(Cli.commandLine().getSubcommands().keySet());
        commands.add("ls");
        for (String command : commands) {
            assertThat(BgrunClient.NEED_DAEMON.contains(command) ^ BgrunClient.WITHOUT_DAEMON.contains(command))
                    .as(command + " is in exactly one of the client's lists").isTrue();
        }
        Set<String> listed = new HashSet<>(BgrunClient.NEED_DAEMON);
        listed.addAll(BgrunClient.WITHOUT_DAEMON);
        assertThat(commands).containsAll(listed);
    }

    @Test
    void aTypoOrHelpNeedsNoDaemonAndAJobCommandDoes() {
        assertThat(BgrunClient.runsWithoutDaemon(new String[]{"confg", "check"})).isTrue();
        assertThat(BgrunClient.runsWithoutDaemon(new String[]{"status", "--help"})).isTrue();
        assertThat(BgrunClient.runsWithoutDaemon(new String[]{"-f", "x.toml", "config", "check"})).isTrue();
        assertThat(BgrunClient.runsWithoutDaemon(new String[]{"-f", "x.toml", "up"})).isFalse();
        assertThat(BgrunClient.runsWithoutDaemon(new String[]{"run", "--", "sleep", "--help"})).isFalse();
    }
}
