package dev.bgrun.orchestrator.daemon;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which build a process runs: its jar's size and modification time. The daemon runs from a private copy named
 * after the original's stamp ({@link DaemonLauncher}), so a client and the daemon it started agree, and a
 * rebuilt or upgraded jar differs. Classes outside a jar (a development tree) are the build {@code "dev"}.
 */
public final class BuildStamp {
    private static final String COPY_PREFIX = "daemon-";
    /**
     * The thin client's own small jar (see cli/pom.xml), which holds only the classes a client needs and has
     * {@value #SERVER_JAR} beside it on its Class-Path: it speaks for that jar's build, and a daemon it starts runs
     * from that jar.
     */
    public static final String CLIENT_JAR = "bgrun-client.jar";
    public static final String SERVER_JAR = "bgrun.jar";

    private BuildStamp() {
    }

    /** The stamp of the build that holds {@code type}. */
    public static String of(Class<?> type) {
        try {
            Path jar = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
            String name = jar.getFileName().toString();
            if (!name.endsWith(".jar") || !Files.isRegularFile(jar)) {
                return "dev";
            }
            if (name.startsWith(COPY_PREFIX)) {
                return name.substring(COPY_PREFIX.length(), name.length() - ".jar".length());
            }
            return of(serverJar(jar));
        } catch (Exception e) {
            return "dev"; // no code source to tell (an unusual class loader)
        }
    }

    /** The jar whose build {@code jar} is: the one beside it for the client's jar, else itself. */
    public static Path serverJar(Path jar) {
        Path name = jar.getFileName();
        return name != null && name.toString().equals(CLIENT_JAR) ? jar.resolveSibling(SERVER_JAR) : jar;
    }

    /** The stamp of a jar file. */
    static String of(Path jar) throws java.io.IOException {
        return Files.size(jar) + "-" + Files.getLastModifiedTime(jar).toMillis();
    }

    /** The file name of the daemon's private copy of a jar of this stamp. */
    static String copyName(String stamp) {
        return COPY_PREFIX + stamp + ".jar";
    }
}
