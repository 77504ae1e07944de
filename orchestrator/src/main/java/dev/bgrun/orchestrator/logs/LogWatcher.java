package dev.bgrun.orchestrator.logs;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Tells the daemon when a job's output files grow, through one inotify watch (Java's WatchService on Linux)
 * over every job directory: lines are seen as they are written, not on a poll tick. Events coalesce, so each
 * one means "read to the end".
 */
public final class LogWatcher implements AutoCloseable {
    private final WatchService watch;
    private final Map<WatchKey, Runnable> onChange = new ConcurrentHashMap<>();
    private final Consumer<String> log;

    public LogWatcher(Consumer<String> log) throws IOException {
        this.watch = FileSystems.getDefault().newWatchService();
        this.log = log;
        Thread.ofPlatform().name("bgrun-log-watch").daemon(true).start(this::loop);
    }

    /** Calls {@code changed} whenever a file in {@code dir} is written to; returns a handle to stop watching. */
    public WatchKey watch(Path dir, Runnable changed) throws IOException {
        WatchKey key = dir.register(watch, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_CREATE);
        onChange.put(key, changed);
        return key;
    }

    public void unwatch(WatchKey key) {
        key.cancel();
        onChange.remove(key);
    }

    private void loop() {
        while (true) {
            WatchKey key;
            try {
                key = watch.take();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            key.pollEvents();
            Runnable changed = onChange.get(key);
            if (changed != null) {
                try {
                    changed.run();
                } catch (RuntimeException e) {
                    log.accept("log indexing failed: " + e);
                }
            }
            key.reset();
        }
    }

    @Override
    public void close() throws IOException {
        watch.close();
    }
}
