package dev.bgrun.orchestrator.supervisor;

import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The {@code bgrun-shim} executable (built from {@code src/main/c/bgrun-shim.c} and shipped in the jar), put
 * where jobs can run it: {@code STATE_ROOT/bin/bgrun-shim-HASH}. The name carries the binary's hash, so a
 * daemon of another version never replaces a shim that running jobs still use.
 */
final class ShimBinary {
    static final String NAME = "bgrun-shim";

    private ShimBinary() {
    }

    static Path install(Path stateRoot) {
        byte[] binary;
        try (InputStream in = ShimBinary.class.getResourceAsStream(NAME)) {
            if (in == null) {
                throw new BgrunException(ErrorType.Internal, "the " + NAME + " executable is missing from the bgrun jar",
                        "rebuild bgrun (a C compiler, cc, is needed to build it)");
            }
            binary = in.readAllBytes();
        } catch (IOException e) {
            throw new BgrunException(ErrorType.IoError, "cannot read the " + NAME + " executable: " + e.getMessage());
        }
        Path bin = stateRoot.resolve("bin");
        Path target = bin.resolve(NAME + "-" + hash(binary));
        try {
            if (Files.isExecutable(target) && Files.size(target) == binary.length) {
                return target;
            }
            Files.createDirectories(bin);
            Path tmp = Files.createTempFile(bin, NAME, ".tmp");
            Files.write(tmp, binary);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------"));
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new BgrunException(ErrorType.IoError, "cannot install " + target + ": " + e.getMessage());
        }
    }

    private static String hash(byte[] binary) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(binary), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether a process's argv is a shim's: its program is one of ours. */
    static boolean isShim(java.util.List<String> argv, Path stateRoot) {
        return !argv.isEmpty() && argv.getFirst().startsWith(stateRoot.resolve("bin").resolve(NAME).toString());
    }
}
