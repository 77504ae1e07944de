package dev.bgrun.orchestrator.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Hears processes end, all of them on one platform thread: a pidfd per watched process, polled together
 * with an eventfd that wakes the thread when one is added. This replaces a thread per process (the JDK's
 * reaper for each child it starts; a polling loop for each {@code ProcessHandle.onExit} of another process),
 * so 1,000 live jobs cost one thread and 1,000 descriptors, not 1,000 threads.
 *
 * <p>A process that is a child of this one is reaped once it has ended, so no zombie is left. Pidfds are
 * budgeted: at most the file limit less {@link Resources#FILE_HEADROOM}, so that jobs never take the files
 * that clients, log reads and spawns need. Beyond the budget, or when no pidfd can be had, the process is
 * looked up in {@code /proc} once a second instead: slower to notice, never missed. A process given with its start time is checked to be that very process
 * after its pidfd is open, so a reused pid is never watched in its place.
 */
public final class ExitWatcher implements AutoCloseable {
    /** How often processes without a pidfd are looked up, in milliseconds. */
    static final int FALLBACK_CHECK_MS = 1000;
    private static final long POLLFD_BYTES = 8; // struct pollfd { int fd; short events; short revents; }

    private final ConcurrentLinkedQueue<Watch> added = new ConcurrentLinkedQueue<>();
    /** Owned by the watcher thread. */
    private final List<Watch> watched = new ArrayList<>();
    private final int wakeFd;
    private final Consumer<String> log;
    private final Thread thread;
    private volatile boolean closed;
    private volatile int count;
    private final int pidfdBudget;
    private final java.util.concurrent.atomic.AtomicInteger pidfds = new java.util.concurrent.atomic.AtomicInteger();

    private record Watch(long pid, long startTime, int fd, CompletableFuture<Void> exited) {
    }

    public ExitWatcher(Consumer<String> log) {
        this.log = log;
        long limit = Resources.fileLimit();
        this.pidfdBudget = limit < 0 ? 1024 : (int) Math.min(Integer.MAX_VALUE, Math.max(0, limit - Resources.FILE_HEADROOM));
        this.wakeFd = Posix.eventfd();
        if (wakeFd < 0) {
            throw new IllegalStateException("cannot create an eventfd: " + Errno.describe(-wakeFd));
        }
        this.thread = Thread.ofPlatform().name("bgrun-exits").daemon(true).unstarted(this::loop);
        thread.start();
    }

    /**
     * Completes (on the watcher's thread: keep what follows it short) once the process has ended.
     *
     * @param startTime its kernel start time ({@link ProcStat}), or -1 to
     *                  take the pid as it is (a child not yet reaped cannot have been replaced)
     */
    public CompletableFuture<Void> onExit(long pid, long startTime) {
        CompletableFuture<Void> exited = new CompletableFuture<>();
        int fd = pidfds.incrementAndGet() <= pidfdBudget ? Posix.pidfdOpen(pid) : -Posix.EMFILE;
        if (fd < 0) {
            pidfds.decrementAndGet();
        }
        if (fd == -Posix.ESRCH) {
            Posix.reap(pid);
            exited.complete(null);
            return exited;
        }
        if (fd >= 0 && startTime >= 0 && ProcStat.startTime(pid) != startTime) {
            Posix.close(fd); // the pid is another process's now: the one asked about has ended
            pidfds.decrementAndGet();
            exited.complete(null);
            return exited;
        }
        if (fd < 0 && fd != -Posix.EMFILE && fd != -Posix.ENFILE) {
            log.accept("cannot watch pid " + pid + " with a pidfd (" + Errno.describe(-fd) + "); checking it every "
                    + FALLBACK_CHECK_MS + " ms instead");
        }
        added.add(new Watch(pid, startTime, fd, exited));
        wake();
        return exited;
    }

    /** How many processes are watched with a pidfd now (the others are looked up in /proc). */
    public int withPidfd() {
        return pidfds.get();
    }

    /** How many processes are watched now, with or without a pidfd. */
    public int watching() {
        return count;
    }

    private void wake() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment one = arena.allocate(JAVA_LONG);
            one.set(JAVA_LONG, 0, 1L);
            Posix.write(wakeFd, one, 8);
        }
    }

    private void loop() {
        while (!closed) {
            try {
                for (Watch w; (w = added.poll()) != null; ) {
                    watched.add(w);
                }
                count = watched.size();
                pollOnce();
            } catch (RuntimeException e) {
                log.accept("exit watcher: " + e); // keep watching: a lost exit would leave a job running forever
            }
        }
    }

    private void pollOnce() {
        List<Watch> withFd = new ArrayList<>();
        boolean fallback = false;
        for (Watch w : watched) {
            if (w.fd() >= 0) {
                withFd.add(w);
            } else {
                fallback = true;
            }
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(POLLFD_BYTES * (withFd.size() + 1), 8);
            setPollFd(fds, 0, wakeFd);
            for (int i = 0; i < withFd.size(); i++) {
                setPollFd(fds, i + 1, withFd.get(i).fd());
            }
            int ready = Posix.poll(fds, withFd.size() + 1L, fallback ? FALLBACK_CHECK_MS : -1);
            if (ready < 0 && ready != -Posix.EINTR) {
                throw new IllegalStateException("poll: " + Errno.describe(-ready));
            }
            if (revents(fds, 0) != 0) {
                Posix.read(wakeFd, arena.allocate(JAVA_LONG), 8); // reset the counter
            }
            for (int i = 0; i < withFd.size(); i++) {
                if (revents(fds, i + 1) != 0) {
                    ended(withFd.get(i));
                }
            }
        }
        if (fallback) {
            for (Iterator<Watch> it = List.copyOf(watched).iterator(); it.hasNext(); ) {
                Watch w = it.next();
                if (w.fd() < 0 && !ProcStat.alive(w.pid(), w.startTime())) {
                    ended(w);
                }
            }
        }
    }

    private void ended(Watch w) {
        watched.remove(w);
        if (w.fd() >= 0) {
            Posix.close(w.fd());
            pidfds.decrementAndGet();
        }
        Posix.reap(w.pid()); // a child of ours would stay a zombie otherwise; ECHILD for any other process
        w.exited().complete(null);
    }

    private static void setPollFd(MemorySegment fds, int index, int fd) {
        long at = index * POLLFD_BYTES;
        fds.set(JAVA_INT, at, fd);
        fds.set(JAVA_SHORT, at + 4, Posix.POLLIN);
        fds.set(JAVA_SHORT, at + 6, (short) 0);
    }

    private static short revents(MemorySegment fds, int index) {
        return fds.get(JAVA_SHORT, index * POLLFD_BYTES + 6);
    }

    @Override
    public void close() {
        closed = true;
        wake();
    }
}
