package dev.bgrun.orchestrator.supervisor;

import dev.bgrun.orchestrator.os.Posix;
import dev.bgrun.orchestrator.config.Durations;
import dev.bgrun.orchestrator.config.JobKeys;
import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code send}: writes to a job's stdin, a FIFO whose write end the job's shim keeps open, so the job never
 * reads EOF between sends nor when the daemon dies; {@code --eof} asks the shim (SIGUSR1) to let go of it.
 */
final class StdinWriter {
    private static final int SIGUSR1 = 10;

    private StdinWriter() {
    }

    static int send(Job job, Path dir, byte[] data, boolean eof, Duration timeout) {
        if (!job.spec.get(JobKeys.STDIN)) {
            throw new BgrunException(ErrorType.InvalidState, "job " + job.name() + " does not keep its stdin open",
                    "set stdin = true in its spec (run --stdin) so send can write to it");
        }
        Job.Snapshot now = job.snapshot();
        if (!now.state().alive() || now.pid() == null) {
            throw new BgrunException(ErrorType.InvalidState, "job " + job.name() + " is " + now.state().keyword()
                    + ": nothing reads its stdin", "restart it first");
        }
        Path keeper = Spawner.keeperFile(dir, now.incarnation());
        if (!Files.exists(keeper)) {
            throw new BgrunException(ErrorType.InvalidState, "the stdin of job " + job.name() + " was closed by send --eof",
                    "restart the job to open it again");
        }
        write(job, dir.resolve("stdin.fifo"), data, timeout);
        if (eof) {
            Long pid = Spawner.readNumber(keeper);
            if (pid != null) {
                Posix.kill(pid.intValue(), SIGUSR1);
            }
            try {
                Files.deleteIfExists(keeper);
            } catch (IOException e) {
                throw new BgrunException(ErrorType.IoError, "cannot remove " + keeper + ": " + e.getMessage());
            }
        }
        return data.length;
    }

    /**
     * Writes to a FIFO on a platform thread of its own: a write to a full pipe blocks in the kernel, which would
     * pin a virtual thread's carrier (two stuck sends would stall the whole daemon). On timeout the channel is
     * closed, which interrupts the blocked write.
     */
    private static void write(Job job, Path fifo, byte[] data, Duration timeout) {
        FileChannel channel;
        try {
            // Opened for reading and writing: never blocks for want of a reader, and is not the last writer.
            channel = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new BgrunException(ErrorType.IoError, "cannot open the stdin of job " + job.name() + ": " + e.getMessage());
        }
        ByteBuffer buffer = ByteBuffer.wrap(data);
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread.ofPlatform().daemon(true).name("bgrun-send").start(() -> {
            try {
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                done.complete(null);
            } catch (IOException e) {
                done.completeExceptionally(e);
            }
        });
        try {
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new BgrunException(ErrorType.Timeout, "job " + job.name() + " did not read its stdin within "
                    + Durations.format(timeout) + " (the pipe is full); " + buffer.position() + " of " + data.length
                    + " bytes were written", "the job reads what was written when it reads again; send the rest later");
        } catch (ExecutionException e) {
            throw new BgrunException(ErrorType.IoError, "cannot write to the stdin of job " + job.name() + ": "
                    + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BgrunException(ErrorType.Internal, "interrupted");
        } finally {
            try {
                channel.close(); // also ends a write still blocked
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
