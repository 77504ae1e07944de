package dev.bgrun.cli;

import dev.bgrun.cli.BgrunProcess.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.bgrun.cli.BgrunProcess.REPO;
import static dev.bgrun.cli.BgrunProcess.bgrun;
import static org.assertj.core.api.Assertions.assertThat;

/** The README's tour is real: its bgrun.toml is valid and the output it shows is what bgrun prints. */
class ReadmeIT {
    @Test
    void theTourShowsRealOutput(@TempDir Path tmp) throws IOException {
        String readme = Files.readString(REPO.resolve("README.md"));
        Matcher toml = Pattern.compile("```toml\\n# bgrun.toml\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(toml.find()).as("the tour's bgrun.toml block").isTrue();
        Path shop = BgrunProcess.project(tmp.resolve("shop"), toml.group(1));

        Result check = bgrun(shop, "config", "check", "--no-json");
        assertThat(check.exitCode()).as(check.toString()).isZero();
        assertThat(readme).contains("$ bgrun config check\n" + check.out());

        Result graph = bgrun(shop, "config", "graph", "--no-json");
        assertThat(readme).contains("$ bgrun config graph\n" + graph.out());

        Result broken = bgrun(REPO, "config", "check", "-f", "samples/broken/many-errors.toml", "--no-json");
        assertThat(broken.exitCode()).isEqualTo(2);
        assertThat(readme).contains("$ bgrun config check -f samples/broken/many-errors.toml\n" + broken.err());
    }
}
