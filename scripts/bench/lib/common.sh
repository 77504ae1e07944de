# Shared set-up for the daemon benchmarks (cli-latency.sh, output-capture.sh, many-jobs.sh, soak.sh, ...).
# Sourced.
#
# bench_init NAME   finds Java 25, copies the jar (BGRUN_JAR, default cli/target/bgrun.jar, built by the
#                   launcher when missing) into a private temp dir (so its AOT cache is private too), makes a
#                   fresh BGRUN_HOME, marks every process started from here with BGRUN_BENCH_MARK, and installs
#                   an EXIT trap that stops everything (bgrun jobs and daemon, pm2), checks that no marked
#                   process is left, shows the daemon log's notable lines, and removes the temp dir.
# bench_client ...  a one-connection Java client (lib/BenchClient.java; bench_client_build compiles it).
# bg ARGS...        runs the CLI the way an installed bgrun does (scripts/lib/run-jar.sh: C1 + AOT cache).
# pm2_setup         installs pm2@latest from npm into the temp dir; sets PM2 (empty when unavailable).
# ecosystem FILE PREFIX FROM TO [SECONDS]   writes a pm2 ecosystem file of apps PREFIX{FROM..TO-1}, each
#                   `sleep SECONDS` (default 600).
# bgrun_live, pm2_online          live jobs per `bgrun list`, online processes per `pm2 jlist`.
# ms_between T0 T1  milliseconds (3 decimals) between two now_us readings.
# Environment: BGRUN_JAR, BENCH_NO_PM2=1 (skip pm2), BENCH_KEEP=1 (keep the temp dir),
#              BENCH_LOG_DIR=DIR (copy daemon.log and pm2.log there before the temp dir goes).

bench_repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
bench_self_pid=$$
bench_errors=0
bench_daemon_pids=()
PM2=""

bench_die() { echo "$bench_name: $*" >&2; exit 1; }
bench_note() { echo "$bench_name: $*" >&2; }

# Wall-clock time in microseconds since the epoch (CLOCK_REALTIME, comparable with date +%s%N).
now_us() {
  local t="${EPOCHREALTIME/[.,]/}"
  echo "$((10#$t))"
}

bench_init() {
  bench_name="$1"
  . "$bench_repo/scripts/lib/java.sh"
  bgrun_find_java || exit 2
  local src="${BGRUN_JAR:-$bench_repo/cli/target/bgrun.jar}"
  if [ ! -f "$src" ]; then
    if [ -n "${BGRUN_JAR:-}" ]; then
      bench_die "BGRUN_JAR=$BGRUN_JAR does not exist"
    fi
    bench_note "no jar at $src; building it with scripts/bgrun --version"
    "$bench_repo/scripts/bgrun" --version >/dev/null || bench_die "scripts/bgrun --version failed"
    [ -f "$src" ] || bench_die "$src is still missing after the build"
  fi
  # The report's streams, kept so the clean-up can print even when an interrupt lands inside a redirection.
  exec 8>&1 9>&2
  bench_tmp="$(mktemp -d /tmp/bgrun-bench.XXXXXX)"
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM HUP
  mkdir -p "$bench_tmp/jar" "$bench_tmp/work"
  cp -p "$src" "$bench_tmp/jar/bgrun.jar"
  # The thin client's socket library and its own jar go with the jar, as install.sh installs them (without
  # them the client falls back to the JDK's slower channel, and opens the full jar).
  for f in libbgrunclient.so bgrun-client.jar; do
    if [ -f "$(dirname "$src")/$f" ]; then
      cp -p "$(dirname "$src")/$f" "$bench_tmp/jar/"
    fi
  done
  bench_jar="$bench_tmp/jar/bgrun.jar"
  bench_src_jar="$src"
  export BGRUN_HOME="$bench_tmp/home"
  export BGRUN_BENCH_MARK="bgrun-bench-$$-$RANDOM$RANDOM"
  # No project file above the working directory: jobs go to the default workspace.
  cd "$bench_tmp/work"
  # The first call trains and writes the AOT cache; do it now, untimed.
  bg --version >/dev/null 2>&1 || bench_die "bgrun --version failed with $src"
  if ! compgen -G "$bench_tmp/jar/bgrun-*.aot" >/dev/null; then
    bench_note "warning: no AOT cache was created next to the jar; CLI timings are without it"
  fi
}

bg() {
  "$bench_repo/scripts/lib/run-jar.sh" "$BGRUN_JAVA_HOME" "$bench_jar" "$@"
}

# Compiles lib/BenchClient.java against the jar; then `bench_client ARGS...` runs it (see that file).
bench_client_build() {
  mkdir -p "$bench_tmp/client"
  "$BGRUN_JAVA_HOME/bin/javac" -cp "$bench_jar" -d "$bench_tmp/client" "$bench_repo/scripts/bench/lib/BenchClient.java" \
    || bench_die "javac failed on scripts/bench/lib/BenchClient.java"
}
bench_client() {
  "$BGRUN_JAVA_HOME/bin/java" -XX:+UseSerialGC -cp "$bench_jar:$bench_tmp/client" BenchClient "$BGRUN_HOME" "$@"
}

bench_facts() {
  echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM ($(uname -sr))"
  echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min; other work on the machine adds noise)"
  echo "java:    $("$BGRUN_JAVA_HOME/bin/java" -version 2>&1 | head -n 1) at $BGRUN_JAVA_HOME"
  echo "jar:     $bench_src_jar ($(stat -c '%s bytes, %y' "$bench_src_jar" | cut -d. -f1))"
  echo "date:    $(date '+%Y-%m-%d %H:%M:%S %Z')"
  if [ -n "$PM2" ]; then
    echo "pm2:     $("$PM2" --version 2>/dev/null | tail -n 1) (node $(node --version 2>/dev/null)), PM2_HOME=$PM2_HOME"
  else
    echo "pm2:     unavailable"
  fi
}

pm2_setup() {
  PM2=""
  if [ -n "${BENCH_NO_PM2:-}" ]; then
    echo "pm2 skipped (BENCH_NO_PM2 is set): running the bgrun half only" >&2
    return 0
  fi
  if ! command -v npm >/dev/null 2>&1; then
    echo "pm2 is unavailable (no npm on PATH): running the bgrun half only" >&2
    return 0
  fi
  if npm install --prefix "$bench_tmp/pm2" --no-audit --no-fund --loglevel=error pm2@latest \
      >"$bench_tmp/npm.log" 2>&1 && [ -x "$bench_tmp/pm2/node_modules/.bin/pm2" ]; then
    PM2="$bench_tmp/pm2/node_modules/.bin/pm2"
    export PM2_HOME="$bench_tmp/pm2home"
    # Start pm2's daemon now, so that no timed call includes it.
    "$PM2" ping >/dev/null 2>&1 || { echo "pm2 ping failed: running the bgrun half only" >&2; PM2=""; }
  else
    echo "pm2 is unavailable (npm install pm2@latest failed: $(tail -n 2 "$bench_tmp/npm.log" | tr '\n' ' ')):" \
      "running the bgrun half only" >&2
  fi
}

# The pid of pm2's daemon ("God"), or nothing.
pm2_god_pid() {
  [ -n "$PM2" ] && [ -f "$PM2_HOME/pm2.pid" ] && cat "$PM2_HOME/pm2.pid"
}

# An ecosystem file of apps NAME_PREFIX FROM..TO-1, each `sleep SECONDS` (default 600; run directly, no
# interpreter).
ecosystem() {
  local file="$1" prefix="$2" from="$3" to="$4" seconds="${5:-600}" sleep_path i
  sleep_path="$(command -v sleep)"
  {
    echo "module.exports = { apps: ["
    for ((i = from; i < to; i++)); do
      echo "  { name: \"$prefix$i\", script: \"$sleep_path\", args: \"$seconds\", interpreter: \"none\" },"
    done
    echo "] };"
  } >"$file"
}

# Live jobs per bgrun list (every workspace), and online processes per pm2 jlist.
bgrun_live() { bg list | grep -cE '"state":"(ready|running|starting)"' || true; }
pm2_online() {
  "$PM2" jlist 2>/dev/null | python3 -c '
import json, sys
text = sys.stdin.read()
data = json.loads(text[text.index("["):]) if "[" in text else []
print(sum(1 for p in data if p["pm2_env"]["status"] == "online"))'
}

# Milliseconds, with three decimals, from now_us reading $1 to now_us reading $2.
ms_between() { echo "$(( ($2 - $1) / 1000 )).$(printf '%03d' $(( ($2 - $1) % 1000 )))"; }

# Sets DAEMON_PID to the daemon's pid (from `daemon status`; empty when not running) and remembers it for the
# final check. Not for $(...): the memory would stay in the subshell.
bgrun_daemon_pid() {
  local out
  DAEMON_PID=""
  out="$(bg daemon status 2>/dev/null)" || return 0
  if [[ "$out" =~ \"pid\":([0-9]+) ]] && [[ "$out" == *'"running":true'* ]]; then
    DAEMON_PID="${BASH_REMATCH[1]}"
    bench_daemon_pids+=("$DAEMON_PID")
  fi
}

# A field of a one-line JSON object: a string (without quotes), number, true/false/null. Cheap: no python.
json_field() {
  local json="$1" key="$2"
  if [[ "$json" =~ \"$key\":\"([^\"]*)\" ]]; then
    echo "${BASH_REMATCH[1]}"
  elif [[ "$json" =~ \"$key\":([-0-9.eE]+|true|false|null) ]]; then
    echo "${BASH_REMATCH[1]}"
  fi
}

# Waits up to $2 seconds (default 10) for pid $1 to end; returns 1 if it is still alive.
wait_gone() {
  local pid="$1" limit="${2:-10}" i
  for ((i = 0; i < limit * 20; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.05
  done
  return 1
}

# Marked processes (BGRUN_BENCH_MARK in their environment) that are not this script or its children: what
# this run started and left behind. Prints "pid comm args" lines.
bench_leftovers() {
  python3 - "$BGRUN_BENCH_MARK" "$bench_self_pid" <<'EOF'
import os, sys
mark = ("BGRUN_BENCH_MARK=" + sys.argv[1]).encode()
me = int(sys.argv[2])
parent = {}
for d in os.listdir("/proc"):
    if d.isdigit():
        try:
            with open(f"/proc/{d}/stat") as f:
                s = f.read()
            parent[int(d)] = int(s[s.rindex(")") + 2:].split()[1])
        except OSError:
            pass
def under_me(pid):
    seen = 0
    while pid > 1 and seen < 200:
        if pid == me:
            return True
        pid = parent.get(pid, 0)
        seen += 1
    return False
for pid in sorted(parent):
    if under_me(pid):
        continue
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            if mark not in f.read().split(b"\0"):
                continue
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            args = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
        with open(f"/proc/{pid}/stat") as f:
            s = f.read()
        if s[s.rindex(")") + 2] == "Z":
            continue  # a zombie waiting for its (re)parent: already ended
        print(pid, args[:120])
    except OSError:
        pass
EOF
}

# Notable lines of the daemon log (errors, exceptions, warnings), grouped by message shape (ids, numbers and
# paths blanked) with a count and the first example of each, for the report.
bench_daemon_log_report() {
  local log="$BGRUN_HOME/daemon.log"
  [ -f "$log" ] || return 0
  echo
  python3 - "$log" <<'EOF'
import re, sys
path = sys.argv[1]
lines = open(path, errors="replace").read().splitlines()
notable = re.compile(r"error|exception|warn|fail|severe|unable|cannot|^\s+at |caused by", re.I)
groups = {}
for line in lines:
    if not notable.search(line):
        continue
    body = re.sub(r"^\S+Z ", "", line)
    shape = re.sub(r"/\S+", "PATH", body)
    shape = re.sub(r"\b[0-9a-f]{10}\b", "ID", shape)
    shape = re.sub(r"\d+", "N", shape)
    count, first = groups.get(shape, (0, line))
    groups[shape] = (count + 1, first)
print(f"daemon.log: {len(lines)} lines")
if not groups:
    print("daemon.log: no errors, exceptions or warnings")
for shape, (count, first) in sorted(groups.items(), key=lambda kv: -kv[1][0])[:15]:
    print(f"daemon.log: {count} x {shape[:150]}")
    print(f"    e.g. {first[:300]}")
EOF
  if [ -n "${BENCH_LOG_DIR:-}" ]; then
    mkdir -p "$BENCH_LOG_DIR"
    cp "$log" "$BENCH_LOG_DIR/$bench_name-daemon.log"
    [ -n "$PM2" ] && [ -f "$PM2_HOME/pm2.log" ] && cp "$PM2_HOME/pm2.log" "$BENCH_LOG_DIR/$bench_name-pm2.log"
    echo "logs copied to $BENCH_LOG_DIR"
  fi
  return 0
}

bench_cleanup() {
  local status=$?
  set +e
  trap - EXIT INT TERM HUP
  exec 1>&8 2>&9
  [ -n "${bench_tmp:-}" ] || exit "$status"
  cd /
  echo >&2
  echo "cleaning up..." >&2
  if [ -S "$BGRUN_HOME/daemon.sock" ]; then
    bgrun_daemon_pid
    timeout 300 "$bench_repo/scripts/lib/run-jar.sh" "$BGRUN_JAVA_HOME" "$bench_jar" stop --all >/dev/null 2>&1
    timeout 60 "$bench_repo/scripts/lib/run-jar.sh" "$BGRUN_JAVA_HOME" "$bench_jar" daemon stop >/dev/null 2>&1
  fi
  if [ -n "$PM2" ]; then
    local god
    god="$(pm2_god_pid)"
    timeout 300 "$PM2" delete all >/dev/null 2>&1
    timeout 60 "$PM2" kill >/dev/null 2>&1
    [ -n "$god" ] && wait_gone "$god" 10
  fi
  local pid
  for pid in "${bench_daemon_pids[@]}"; do
    wait_gone "$pid" 15 || echo "bgrun daemon $pid did not stop within 15 s" >&2
  done
  bench_daemon_log_report
  # Give stopped processes a moment to be reaped, then look for anything left behind.
  local left="" i
  for ((i = 0; i < 20; i++)); do
    left="$(bench_leftovers)"
    [ -z "$left" ] && break
    sleep 0.5
  done
  if [ -n "$left" ]; then
    echo
    echo "LEFTOVER processes started by this run ($(echo "$left" | wc -l)); ending them by pid:"
    echo "$left" | head -n 20 | sed 's/^/  /'
    while read -r pid _; do kill -TERM "$pid" 2>/dev/null; done <<<"$left"
    sleep 1
    while read -r pid _; do kill -KILL "$pid" 2>/dev/null; done <<<"$(bench_leftovers)"
    [ "$status" -eq 0 ] && status=1
  else
    echo "process check: no process started by this run is left"
  fi
  if [ -n "${BENCH_KEEP:-}" ]; then
    echo "kept $bench_tmp (BENCH_KEEP is set)"
  else
    rm -rf "$bench_tmp"
  fi
  [ "$status" -eq 0 ] && [ "$bench_errors" -gt 0 ] && status=1
  exit "$status"
}
