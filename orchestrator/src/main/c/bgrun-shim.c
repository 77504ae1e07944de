/*
 * bgrun-shim: starts one incarnation of a job and outlives the daemon that asked for it.
 *
 *   bgrun-shim JOBDIR N [stdin]
 *
 * Environment and working directory are the caller's, and the job gets exactly those. The caller gives
 * the shim stdin=/dev/null and stdout=a pipe (the report channel); stderr is a pipe or /dev/null.
 *
 * Files in JOBDIR (every numbered one written atomically: NAME.tmp, then rename):
 *   argv.N      read:  the job's argv, NUL-terminated strings (the file ends with a NUL)
 *   shim.N      the shim's pid, and
 *   pid.N       the job's pid: both written just after the report line (off the daemon's critical path),
 *               for a daemon that must find them again after a crash
 *   exit.N      written last: the job's exit code (128 + signal if it was killed), decimal and "\n"
 *   stdout.log, stderr.log   appended to by the job itself
 *   stdin.fifo  with `stdin`: the job's fd 0; the shim holds a write end (the keeper) until SIGUSR1
 *
 * One line on stdout: "pid <pid>" once the job has exec'd, or "error <message>" (then exit.N says 127).
 * Exit status: 0 once exit.N is written; 1 if it could not be; 2 for bad usage (no files touched). A full
 * disk (ENOSPC, EDQUOT) is tried again a few times, about 2 s in all; failing that nothing is written, and the
 * daemon, seeing the shim end without exit.N, finds out why itself.
 *
 * The job runs in its own session (setsid), with default signal dispositions and an empty signal mask,
 * whatever the daemon's were. The shim stays in the caller's session, so signals to the job's process
 * group never reach it; it ignores SIGPIPE so a daemon that died (its report pipe closed) cannot kill it, and
 * HUP, INT, QUIT and TERM, which are meant for a terminal or the daemon's group (KILL still ends it).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef NSIG
#define NSIG (SIGRTMAX + 1)
#endif

#define USAGE "error usage: bgrun-shim JOBDIR N [stdin]\n"

static char shim_path[PATH_MAX], pid_path[PATH_MAX], exit_path[PATH_MAX], argv_path[PATH_MAX];
static char stdout_path[PATH_MAX], stderr_path[PATH_MAX], fifo_path[PATH_MAX];
static const char *incarnation;

/* The write end of the stdin FIFO that the shim keeps open; -1 once closed. Only the SIGUSR1 handler and
 * code running with SIGUSR1 blocked touch it, so it is closed exactly once. */
static volatile sig_atomic_t keeper_fd = -1;

static void on_usr1(int sig) {
    (void) sig;
    int fd = keeper_fd;
    if (fd >= 0) {
        keeper_fd = -1;
        close(fd);
    }
}

static int write_all(int fd, const char *buf, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        buf += n;
        len -= (size_t) n;
    }
    return 0;
}

/* One line on the report channel. A newline inside it (from argv[0]) would break the protocol. */
static void report(const char *line) {
    char buf[PATH_MAX + 256];
    size_t len = strlen(line);
    if (len > sizeof buf - 1) {
        len = sizeof buf - 1;
    }
    memcpy(buf, line, len);
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '\n' || buf[i] == '\r') {
            buf[i] = ' ';
        }
    }
    buf[len++] = '\n';
    if (write_all(STDOUT_FILENO, buf, len) < 0) {
        /* The daemon is gone: the files on disk will tell the next one. */
    }
}

/* Writes "<value>\n" to path via path.tmp and a rename. */
static int write_number(const char *path, long value, int sync) {
    char tmp[PATH_MAX + 8];
    char text[32];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int) sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int len = snprintf(text, sizeof text, "%ld\n", value);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        return -1;
    }
    if (write_all(fd, text, (size_t) len) < 0 || (sync && fsync(fd) < 0)) {
        int saved = errno;
        close(fd);
        unlink(tmp);
        errno = saved;
        return -1;
    }
    if (close(fd) < 0 || rename(tmp, path) < 0) {
        int saved = errno;
        unlink(tmp);
        errno = saved;
        return -1;
    }
    return 0;
}

/* Before the job could start: record 127 as its exit, then say why. The exit file comes first, so a
 * daemon that reads the error line finds it. */
static int fail(const char *message) {
    struct sigaction ignore;
    memset(&ignore, 0, sizeof ignore);
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ignore, NULL);
    int written = write_number(exit_path, 127, 1);
    char line[PATH_MAX + 128];
    snprintf(line, sizeof line, "error %s", message);
    report(line);
    return written < 0 ? 1 : 0;
}

static int fail_errno(const char *what, const char *path) {
    char message[PATH_MAX + 128];
    snprintf(message, sizeof message, "%s %s: %s", what, path, strerror(errno));
    return fail(message);
}

static int set_path(char *buf, const char *dir, const char *name, const char *suffix) {
    int n = snprintf(buf, PATH_MAX, "%s/%s%s%s", dir, name, suffix[0] ? "." : "", suffix);
    /* Room for ".tmp" too. */
    return n < 0 || n + 4 >= PATH_MAX ? -1 : 0;
}

static int valid_incarnation(const char *s) {
    size_t len = strlen(s);
    if (len == 0 || len > 18 || s[0] == '0') {
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
    }
    return 1;
}

/* Fds 0-2 open (a later open must never land on them), everything else the caller left us closed, so
 * the job inherits nothing of the daemon's. */
static void tidy_fds(void) {
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
            int null = open("/dev/null", O_RDWR);
            if (null >= 0 && null != fd) {
                close(null);
            }
        }
    }
    DIR *dir = opendir("/proc/self/fd");
    if (dir == NULL) {
        return;
    }
    int self = dirfd(dir);
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        char *end;
        long fd = strtol(entry->d_name, &end, 10);
        if (*end == '\0' && end != entry->d_name && fd > 2 && fd != self) {
            close((int) fd);
        }
    }
    closedir(dir);
}

/* Default disposition for every signal, and an empty mask, so the job starts clean.
 *
 * glibc's sigaction refuses (EINVAL) the two real-time signals it keeps for itself (32 and 33), yet glibc's
 * own posix_spawn, which the JDK starts processes with, leaves exactly those two ignored in the child, and
 * an ignored signal survives exec: a shim started by the daemon begins with SigIgn 0x180000000. So those go
 * to the kernel directly. An all-zero kernel struct sigaction is SIG_DFL with no flags and an empty mask
 * whatever the architecture's layout; 64 bytes covers every layout. */
static void reset_signals(void) {
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP) {
            continue;
        }
        if (sigaction(sig, &dfl, NULL) < 0 && errno == EINVAL) {
#ifdef SYS_rt_sigaction
            unsigned long kernel_dfl[8];
            memset(kernel_dfl, 0, sizeof kernel_dfl);
            if (syscall(SYS_rt_sigaction, sig, kernel_dfl, NULL, (size_t) (NSIG - 1) / 8) < 0) {
                /* Not a signal this kernel knows: nothing to reset. */
            }
#endif
        }
    }
    sigset_t empty;
    sigemptyset(&empty);
    sigprocmask(SIG_SETMASK, &empty, NULL);
}

/* argv.N: NUL-terminated strings. Returns a NULL-terminated vector, or NULL with message set. */
static char **read_argv(char *message, size_t size) {
    int fd = open(argv_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(message, size, "cannot read %s: %s", argv_path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, len = 0;
    char *data = malloc(cap);
    for (;;) {
        if (data == NULL) {
            close(fd);
            snprintf(message, size, "cannot read %s: %s", argv_path, strerror(ENOMEM));
            return NULL;
        }
        if (len == cap) {
            cap *= 2;
            char *grown = realloc(data, cap);
            if (grown == NULL) {
                free(data);
            }
            data = grown;
            continue;
        }
        ssize_t n = read(fd, data + len, cap - len);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            snprintf(message, size, "cannot read %s: %s", argv_path, strerror(errno));
            close(fd);
            free(data);
            return NULL;
        }
        if (n == 0) {
            break;
        }
        len += (size_t) n;
    }
    close(fd);
    if (len == 0) {
        snprintf(message, size, "empty argv in %s", argv_path);
        free(data);
        return NULL;
    }
    if (data[len - 1] != '\0') {
        snprintf(message, size, "malformed %s: it does not end with a NUL", argv_path);
        free(data);
        return NULL;
    }
    size_t count = 0;
    for (size_t i = 0; i < len; i++) {
        if (data[i] == '\0') {
            count++;
        }
    }
    char **argv = malloc((count + 1) * sizeof *argv);
    if (argv == NULL) {
        snprintf(message, size, "cannot read %s: %s", argv_path, strerror(ENOMEM));
        free(data);
        return NULL;
    }
    size_t arg = 0;
    for (size_t start = 0; start < len; start += strlen(data + start) + 1) {
        argv[arg++] = data + start;
    }
    argv[arg] = NULL;
    return argv;
}

/* In the forked child, before exec: only async-signal-safe calls. */
static void child_failed(int status_fd) {
    int err = errno;
    if (write(status_fd, &err, sizeof err) < 0) {
        /* Nothing more to do: the parent reports an exec that worked, and exit.N says 127. */
    }
    _exit(127);
}

static int usage(void) {
    if (write_all(STDOUT_FILENO, USAGE, strlen(USAGE)) < 0) {
        /* Nobody to tell. */
    }
    return 2;
}

int main(int argc, char **argv) {
    int with_stdin = argc == 4 && strcmp(argv[3], "stdin") == 0;
    if ((argc != 3 && !with_stdin) || argv[1][0] != '/' || !valid_incarnation(argv[2])) {
        return usage();
    }
    const char *dir = argv[1];
    incarnation = argv[2];
    if (set_path(shim_path, dir, "shim", incarnation) < 0 || set_path(pid_path, dir, "pid", incarnation) < 0
            || set_path(exit_path, dir, "exit", incarnation) < 0 || set_path(argv_path, dir, "argv", incarnation) < 0
            || set_path(stdout_path, dir, "stdout.log", "") < 0 || set_path(stderr_path, dir, "stderr.log", "") < 0
            || set_path(fifo_path, dir, "stdin.fifo", "") < 0) {
        return usage();
    }
    tidy_fds();

    /* 3. Whatever the daemon's starter ignored or blocked, the job must not inherit. */
    reset_signals();

    /* 4. The job's argv. */
    char message[PATH_MAX + 128];
    char **job_argv = read_argv(message, sizeof message);
    if (job_argv == NULL) {
        return fail(message);
    }

    /* 5. The logs, which the job writes itself. */
    int out_fd = open(stdout_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (out_fd < 0) {
        return fail_errno("cannot open", stdout_path);
    }
    int err_fd = open(stderr_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (err_fd < 0) {
        return fail_errno("cannot open", stderr_path);
    }
    int null_out = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null_out < 0) {
        return fail_errno("cannot open", "/dev/null");
    }

    /* 6. stdin: the FIFO with a write end kept open here (the keeper), or /dev/null. Opening the read end
     * does not block: the keeper, open for reading and writing, is already there. */
    int keeper = -1;
    int in_fd;
    if (with_stdin) {
        keeper = open(fifo_path, O_RDWR | O_CLOEXEC);
        if (keeper < 0) {
            return fail_errno("cannot open", fifo_path);
        }
        in_fd = open(fifo_path, O_RDONLY | O_CLOEXEC);
        if (in_fd < 0) {
            return fail_errno("cannot open", fifo_path);
        }
    } else {
        in_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (in_fd < 0) {
            return fail_errno("cannot open", "/dev/null");
        }
    }

    /* 7. Fork; the child's exec closes the status pipe (O_CLOEXEC), so EOF without bytes means it ran.
     * SIGUSR1 stays blocked across the fork until the parent's handler is in place, so an early
     * `send --eof` is held, not fatal; the child empties its mask before the exec. */
    int status_pipe[2];
    if (pipe2(status_pipe, O_CLOEXEC) < 0) {
        return fail_errno("cannot create a pipe in", dir);
    }
    sigset_t usr1, empty;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigemptyset(&empty);
    sigprocmask(SIG_BLOCK, &usr1, NULL);
    pid_t child = fork();
    if (child < 0) {
        return fail_errno("cannot fork for", job_argv[0]);
    }
    if (child == 0) {
        sigprocmask(SIG_SETMASK, &empty, NULL);
        if (setsid() < 0 || dup2(in_fd, STDIN_FILENO) < 0 || dup2(out_fd, STDOUT_FILENO) < 0
                || dup2(err_fd, STDERR_FILENO) < 0) {
            child_failed(status_pipe[1]);
        }
        /* Every other fd is O_CLOEXEC; the shim is single-threaded, and glibc's execvp does not allocate. */
        execvp(job_argv[0], job_argv);
        child_failed(status_pipe[1]);
    }

    close(status_pipe[1]);
    close(in_fd);
    close(out_fd);
    close(err_fd);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    sigemptyset(&action.sa_mask);
    action.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &action, NULL);
    /* The shim must outlive its job to record the exit: signals meant for a terminal or for the daemon's
     * process group (the child has its own session and kept the defaults) do not end it; KILL still does. */
    sigaction(SIGHUP, &action, NULL);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGQUIT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    action.sa_handler = on_usr1;
    action.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &action, NULL);
    keeper_fd = keeper;
    sigprocmask(SIG_UNBLOCK, &usr1, NULL);

    int exec_errno = 0;
    ssize_t got;
    do {
        got = read(status_pipe[0], &exec_errno, sizeof exec_errno);
    } while (got < 0 && errno == EINTR);
    close(status_pipe[0]);
    char line[PATH_MAX + 128];
    if (got == (ssize_t) sizeof exec_errno) {
        snprintf(line, sizeof line, "error cannot run %s: %s", job_argv[0], strerror(exec_errno));
    } else {
        snprintf(line, sizeof line, "pid %ld", (long) child);
    }
    report(line);
    /* After the report, off the daemon's critical path: a daemon that dies before it saved what the report
     * said starts again long after these files exist (recovery finds the shim and the job by them). */
    if (write_number(shim_path, (long) getpid(), 0) < 0 || write_number(pid_path, (long) child, 0) < 0) {
        /* The report line carried the pid; recovery can still find the shim by its command line. */
    }
    dup2(null_out, STDOUT_FILENO);
    dup2(null_out, STDERR_FILENO);
    close(null_out);

    /* 8. The job's end, on disk. */
    int status;
    pid_t waited;
    do {
        waited = waitpid(child, &status, 0);
    } while (waited < 0 && errno == EINTR);
    sigprocmask(SIG_BLOCK, &usr1, NULL);
    on_usr1(SIGUSR1);
    if (waited < 0) {
        return 1;
    }
    long code = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 127;
    for (int attempt = 0; attempt < 5; attempt++) {
        if (write_number(exit_path, code, 1) == 0) {
            return 0;
        }
        if (errno != ENOSPC && errno != EDQUOT) {
            break;
        }
        /* Room may come back (a file deleted, a log rotated). */
        struct timespec pause = {0, 400L * 1000 * 1000};
        while (nanosleep(&pause, &pause) < 0 && errno == EINTR) {
        }
    }
    return 1;
}
