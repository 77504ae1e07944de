package dev.bgrun.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reads the version that the build wrote into {@code version.txt}. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
        try (InputStream in = VersionProvider.class.getResourceAsStream("version.txt")) {
            String version = in == null ? "unknown" : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            return new String[]{"bgrun " + version + " (Java " + Runtime.version() + ")"};
        }
    }
}
