#!/usr/bin/env bash
# Notification delivery latency: the time from a job writing a `BGRUN_NOTIFY: ...` line to a follower of
# `events --follow` receiving the notify event. A job (a small python3 program) waits on a FIFO; at random
# moments (a gap of GAP_MS after the last event arrived) the script writes a tag into the FIFO, and the job
# stamps time.time_ns() (CLOCK_REALTIME) right before it writes `BGRUN_NOTIFY: <ns> <tag>` in one write(2) to
# its stdout. Two followers, both subscribed before the samples start:
#   socket  a long-lived client (lib/EventClient.java) with one `events` request {"follow":true,"type":["notify"]}
#           over its own connection, stamping each event when its answer line has been read and parsed
#           (Instant.now(), CLOCK_REALTIME): what the daemon adds, without a JVM start; it also stamps when the
#           line's bytes arrived, before parsing;
#   CLI     `bgrun events --follow --since now --type notify --json`, its output piped into a python3 reader
#           that stamps each line as it arrives (time.time_ns()).
# latency = follower's stamp - the job's stamp. The event's own `at` (when the daemon appended it) and the
# client's arrival stamp split the socket latency into "job wrote -> daemon appended" (inotify, indexing, the
# notify hook), "appended -> bytes at the client" (the follower's queue and thread, JSON, socket) and "bytes ->
# parsed" (the client's own JSON parsing).
# Cases (each a job of its own in workspace ev, stopped after its samples; default "quiet noisy busy"):
#   quiet   the job writes nothing but the notify lines;
#   noisy   the job also writes NOISE_LPS (default 10,000) 100-byte lines a second from a second thread, in
#           batches every 10 ms (1 MB/s): a notify among steady noise;
#   busy    the same at 10 x NOISE_LPS (10 MB/s);
#   flood   (only when named in CASES) the noise thread writes 1,000-line batches as fast as it can, until it
#           has written FLOOD_MB (default 1000) MB; samples stop there (fewer than RUNS, then; no warm-up),
#           and one that takes longer than 120 s ends the run. The log rotates at the default 64 MiB cap; see the report for
#           how far the segments overshoot it; FLOOD_LOG_MB=N gives the flood job log-max-size-mb N instead
#           (N above FLOOD_MB: no rotation at all). Needs a few GB of free space in /tmp.
# Writes to stdout go under one lock in the job, and the noise thread lets a waiting notify go first, so a
# notify line is never cut by noise nor kept waiting by it. Warm-up samples (3 per case) are dropped. Reports
# median, min, p90, max per follower and case, the split, and the daemon's CPU use.
# Target: socket follower median <= 10 ms (every case is judged; the target is meant for quiet and noisy).
# Usage: scripts/bench/events-latency.sh   RUNS=N samples per case (default 40, at least 5),
#        GAP_MS=MIN-MAX pause before each trigger (default 50-300), CASES="quiet noisy busy [flood]",
#        NOISE_LPS=N (default 10000), FLOOD_MB=N (default 1000), FLOOD_LOG_MB=N, BENCH_NO_CLI=1 (no CLI follower),
#        BGRUN_JAR=path/to/bgrun.jar, BENCH_KEEP=1, BENCH_LOG_DIR=DIR.
# Exits 0 whether or not the target is met; non-zero when something fails.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

runs="${RUNS:-40}"
if ! [[ "$runs" =~ ^[0-9]+$ ]] || [ "$runs" -lt 5 ]; then
  echo "events-latency.sh: RUNS must be a whole number of at least 5 (got '$runs')" >&2
  exit 2
fi
gap_range="${GAP_MS:-50-300}"
if ! [[ "$gap_range" =~ ^([0-9]+)-([0-9]+)$ ]] || [ "${BASH_REMATCH[1]}" -gt "${BASH_REMATCH[2]}" ]; then
  echo "events-latency.sh: GAP_MS must be MIN-MAX in ms (got '$gap_range')" >&2
  exit 2
fi
gap_min="${BASH_REMATCH[1]}"
gap_max="${BASH_REMATCH[2]}"
noise_lps="${NOISE_LPS:-10000}"
if ! [[ "$noise_lps" =~ ^[0-9]+$ ]] || [ "$noise_lps" -lt 100 ]; then
  echo "events-latency.sh: NOISE_LPS must be a whole number of at least 100 (got '$noise_lps')" >&2
  exit 2
fi
flood_mb="${FLOOD_MB:-1000}"
if ! [[ "$flood_mb" =~ ^[0-9]+$ ]] || [ "$flood_mb" -lt 1 ]; then
  echo "events-latency.sh: FLOOD_MB must be a whole number of at least 1 (got '$flood_mb')" >&2
  exit 2
fi
flood_log_mb="${FLOOD_LOG_MB:-}"
if [ -n "$flood_log_mb" ] && ! [[ "$flood_log_mb" =~ ^[1-9][0-9]*$ ]]; then
  echo "events-latency.sh: FLOOD_LOG_MB must be a whole number of at least 1 (got '$flood_log_mb')" >&2
  exit 2
fi
cases="${CASES:-quiet noisy busy}"
for c in $cases; do
  case "$c" in quiet | noisy | busy | flood) ;; *) echo "events-latency.sh: unknown case '$c' in CASES" >&2; exit 2 ;; esac
done
warmups=3
target_ms=10
mbps() { python3 -c "print(f'{$1 * 100 / 1e6:g}')"; }
declare -A case_title=([quiet]="quiet" [noisy]="noisy $(mbps "$noise_lps") MB/s" [busy]="busy $(mbps $((noise_lps * 10))) MB/s"
  [flood]="flood")
report="$bench_repo/scripts/bench/lib/report.py"
ws=ev
errors=()

bench_init events-latency
command -v python3 >/dev/null || bench_die "python3 is needed (the job is a python3 program)"
py="$(python3 -c 'import sys; print(sys.executable)')"

# ---------------------------------------------------------------- the job program and the CLI's stamper
job="$bench_tmp/notify.py"
cat >"$job" <<'EOF'
# notify.py MODE FIFO NOISE_LPS FLOOD_BYTES DONE: for each line read from FIFO (a tag), writes
# "BGRUN_NOTIFY: <time_ns> <tag>" to stdout in one write, time.time_ns() taken right before it. MODE noisy: a
# thread also writes NOISE_LPS 100-byte lines a second, in batches every 10 ms; busy: 10 x NOISE_LPS; flood:
# 1,000-line batches as fast as it can, until FLOOD_BYTES, then it creates the file DONE and stops. One lock
# around every write keeps lines whole; the noise thread steps aside while a notify waits for it.
import os, sys, threading, time
mode, fifo, lps, flood_bytes, done = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
if mode == "busy":
    lps *= 10
lock = threading.Lock()
waiting = threading.Event()
line = (b"noise: an ordinary line a busy job writes while the benchmark waits" + b"." * 99)[:99] + b"\n"

def write_all(data):
    view = memoryview(data)
    while view:
        view = view[os.write(1, view):]

def step_aside():
    while waiting.is_set():
        time.sleep(0.0001)

def noise():
    if mode == "flood":
        batch = line * 1000
        written = 0
        while written < flood_bytes:
            step_aside()
            with lock:
                write_all(batch)
            written += len(batch)
        open(done, "w").close()
        return
    per_tick = max(1, lps // 100)
    batch = line * per_tick
    tick = 0.01
    nxt = time.monotonic()
    while True:
        step_aside()
        with lock:
            write_all(batch)
        nxt += tick
        pause = nxt - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        else:
            nxt = time.monotonic()

if mode != "quiet":
    threading.Thread(target=noise, daemon=True).start()
fd = os.open(fifo, os.O_RDONLY)
pending = b""
while True:
    data = os.read(fd, 4096)
    if not data:
        fd2 = os.open(fifo, os.O_RDONLY)  # the writer went away: wait for the next one
        os.close(fd)
        fd = fd2
        continue
    pending += data
    while b"\n" in pending:
        tag, pending = pending.split(b"\n", 1)
        waiting.set()
        with lock:
            t = time.time_ns()
            write_all(b"BGRUN_NOTIFY: %d %s\n" % (t, tag))
        waiting.clear()
EOF
stamper="$bench_tmp/stamp.py"
cat >"$stamper" <<'EOF'
# Copies standard input to standard output, each line prefixed with time.time_ns() when it was read; flushed.
import sys, time
inp, out = sys.stdin.buffer, sys.stdout.buffer
while True:
    line = inp.readline()
    if not line:
        break
    out.write(b"%d %s" % (time.time_ns(), line))
    out.flush()
EOF

clk_tck="$(getconf CLK_TCK)"
proc_cpu_ms() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || { echo 0; return; }
  stat="${stat##*) }"
  local f=($stat)
  echo $(( (f[11] + f[12]) * 1000 / clk_tck ))
}

# ---------------------------------------------------------------- followers
bg list >/dev/null || bench_die "bgrun list failed"
bgrun_daemon_pid
[ -n "$DAEMON_PID" ] || bench_die "no daemon after bgrun list"
mkdir -p "$bench_tmp/client"
"$BGRUN_JAVA_HOME/bin/javac" -cp "$bench_jar" -d "$bench_tmp/client" "$bench_repo/scripts/bench/lib/EventClient.java" \
  || bench_die "javac failed on scripts/bench/lib/EventClient.java"
coproc EVC { exec "$BGRUN_JAVA_HOME/bin/java" -XX:+UseSerialGC -cp "$bench_jar:$bench_tmp/client" EventClient \
  "$BGRUN_HOME" 2>"$bench_tmp/client.err"; }
client_pid="$EVC_PID"
client_out="${EVC[0]}"
cli_pid=""
stamper_pid=""
cli_file="$bench_tmp/cli.events"
: >"$cli_file"
if [ -z "${BENCH_NO_CLI:-}" ]; then
  # Through a named pipe, each started as a simple command, so $! is the process itself (run-jar.sh execs java).
  mkfifo "$bench_tmp/cli.pipe"
  "$py" "$stamper" <"$bench_tmp/cli.pipe" >"$cli_file" &
  stamper_pid=$!
  "$bench_repo/scripts/lib/run-jar.sh" "$BGRUN_JAVA_HOME" "$bench_jar" events --follow --since now --type notify --json \
    >"$bench_tmp/cli.pipe" 2>"$bench_tmp/cli.err" &
  cli_pid=$!
fi
fifo="$bench_tmp/gate.fifo"
mkfifo "$fifo"
gate_open=0

events_cleanup() {
  local status=$? pid child
  set +e
  [ "$gate_open" = 1 ] && exec 7>&-
  for pid in "${client_pid:-}" "${cli_pid:-}" "${stamper_pid:-}"; do
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
  done
  for pid in "${client_pid:-}" "${cli_pid:-}" "${stamper_pid:-}"; do
    [ -n "$pid" ] && wait_gone "$pid" 5
  done
  (exit "$status")
  bench_cleanup
}
trap events_cleanup EXIT

IFS= read -r -t 30 line <&"$client_out" || bench_die "the socket follower did not start: $(head -c 500 "$bench_tmp/client.err")"
[[ "$line" == following* ]] || bench_die "the socket follower: $line"

# next_event TAG [LIMIT_S]: reads the socket follower's lines until the event tagged TAG (within LIMIT_S,
# default 10); sets EV_AT (parsed) EV_RECEIVED EV_APPENDED EV_T.
next_event() {
  local tag="$1" limit="${2:-10}" l w received at appended number t rest
  local deadline=$(( $(now_us) + limit * 1000000 ))
  while true; do
    local left=$(( (deadline - $(now_us)) / 1000000 ))
    [ "$left" -ge 1 ] || left=1
    if ! IFS= read -r -t "$left" l <&"$client_out"; then
      bench_die "no event tagged '$tag' reached the socket follower within $limit s (stderr: $(head -c 300 "$bench_tmp/client.err"))"
    fi
    [[ "$l" == error* ]] && bench_die "socket follower: $l"
    read -r w received at appended number t rest <<<"$l"
    if [ "$rest" = "$tag" ]; then
      EV_AT="$at"; EV_RECEIVED="$received"; EV_APPENDED="$appended"; EV_T="$t"
      return 0
    fi
    [ "$(now_us)" -lt "$deadline" ] || bench_die "no event tagged '$tag' reached the socket follower within $limit s"
  done
}
# cli_event TAG [LIMIT_S]: waits (up to LIMIT_S, default 10) for the CLI follower's line of the event tagged
# TAG; sets CLI_AT.
cli_event() {
  local tag="$1" limit="${2:-10}" i l
  for ((i = 0; i < limit * 100; i++)); do
    l="$(grep -E -m 1 "\"message\":\"[0-9]+ $tag\"" "$cli_file" || true)"
    if [ -n "$l" ]; then
      CLI_AT="${l%% *}"
      return 0
    fi
    kill -0 "$cli_pid" 2>/dev/null || bench_die "the CLI follower ended: $(head -c 300 "$bench_tmp/cli.err")"
    sleep 0.01
  done
  bench_die "no event tagged '$tag' reached the CLI follower within $limit s"
}

declare -A lat
: >"$bench_tmp/split.tsv"
declare -A case_cpu case_lines case_secs case_samples case_biggest

# ---------------------------------------------------------------- one case
run_case() {
  local kind="$1" name="n$1" i
  local done_file="$bench_tmp/$kind.flood-done"
  local spec="{\"cmd\":[\"$py\",\"$job\",\"$kind\",\"$fifo\",\"$noise_lps\",\"$((flood_mb * 1000000))\",\"$done_file\"]"
  if [ "$kind" = flood ] && [ -n "$flood_log_mb" ]; then
    spec+=",\"log-max-size-mb\":$flood_log_mb"
  fi
  spec+="}"
  local out
  out="$(bg run --name "$name" --workspace "$ws" --spec "$spec" --json)" || bench_die "run $name: $out"
  [[ "$out" == *'"state":"ready"'* ]] || [[ "$out" == *'"state":"running"'* ]] || bench_die "run $name: $out"
  exec 7<>"$fifo" # read-write: does not block; what is written waits in the pipe until the job reads it
  gate_open=1
  # Both followers must be subscribed: poke until each has seen a sync event (the CLI's --since now races).
  local limit=10
  [ "$kind" != flood ] || limit=120
  local k=0 synced=0
  while [ "$synced" = 0 ]; do
    k=$((k + 1))
    [ "$k" -le 60 ] || bench_die "the followers did not see a sync event within 30 s"
    printf 'sync%d %s\n' "$k" "$kind" >&7
    next_event "sync$k $kind" "$limit"
    if [ -z "$cli_pid" ] || grep -q -E "\"message\":\"[0-9]+ sync$k $kind\"" "$cli_file"; then
      synced=1
    else
      sleep 0.5
    fi
  done
  local cpu0 t0
  cpu0=$(proc_cpu_ms "$DAEMON_PID")
  t0=$(now_us)
  case_samples[$kind]=0
  local skip=$warmups
  [ "$kind" != flood ] || skip=0 # the flood is short, its latencies seconds: no warm-up
  echo "case ${case_title[$kind]}: $skip warm-up + $runs timed samples (gap ${gap_min}-${gap_max} ms)..." >&2
  for ((i = 0; i < skip + runs; i++)); do
    if [ -e "$done_file" ]; then
      bench_note "case $kind: the flood ended ($flood_mb MB written) after ${case_samples[$kind]} timed samples"
      break
    fi
    local gap=$((gap_min + (RANDOM * 32768 + RANDOM) % (gap_max - gap_min + 1)))
    sleep "$(printf '%d.%03d' $((gap / 1000)) $((gap % 1000)))"
    local tag="s$i $kind"
    printf '%s\n' "$tag" >&7
    next_event "$tag" "$limit"
    local sock_ns=$((EV_AT - EV_T)) write_ns=$((EV_APPENDED - EV_T)) deliver_ns=$((EV_RECEIVED - EV_APPENDED))
    local parse_ns=$((EV_AT - EV_RECEIVED))
    local cli_ns=""
    if [ -n "$cli_pid" ]; then
      cli_event "$tag" "$limit"
      cli_ns=$((CLI_AT - EV_T))
    fi
    [ "$kind" != flood ] || bench_note "  flood sample $i: $(ns_ms "$sock_ns") ms"
    [ "$i" -ge "$skip" ] || continue
    [ "$sock_ns" -ge 0 ] || errors+=("$kind $i: the socket follower had the event $(( -sock_ns / 1000 )) us BEFORE it was written")
    lat[$kind/socket]+="$(ns_ms "$sock_ns") "
    lat[$kind/write]+="$(ns_ms "$write_ns") "
    lat[$kind/deliver]+="$(ns_ms "$deliver_ns") "
    lat[$kind/parse]+="$(ns_ms "$parse_ns") "
    [ -z "$cli_ns" ] || lat[$kind/cli]+="$(ns_ms "$cli_ns") "
    case_samples[$kind]=$((case_samples[$kind] + 1))
  done
  case_cpu[$kind]=$(( $(proc_cpu_ms "$DAEMON_PID") - cpu0 ))
  case_secs[$kind]=$(( ($(now_us) - t0) / 1000 ))
  exec 7>&-
  gate_open=0
  out="$(bg tail "$ws/$name" --lines 0 --json)" || bench_die "tail $name: $out"
  case_lines[$kind]="$(json_field "$out" total_lines)"
  # The biggest piece of the log on disk (live file or rotated segment), against the 64 MiB cap.
  case_biggest[$kind]="$(find "$BGRUN_HOME/jobs" -name 'stdout*.log' -printf '%s\n' | sort -n | tail -n 1)"
  bg stop "$ws/$name" >/dev/null || bench_die "stop $name failed"
  bg clean "$ws/$name" --yes >/dev/null || bench_die "clean $name failed"
}
# ns_ms NS: nanoseconds as milliseconds with 3 decimals (sign kept).
ns_ms() {
  local ns="$1" sign=""
  [ "$ns" -lt 0 ] && sign="-" && ns=$((-ns))
  echo "$sign$((ns / 1000000)).$(printf '%03d' $(((ns % 1000000) / 1000)))"
}

start_all=$(now_us)
for kind in $cases; do
  run_case "$kind"
done
elapsed_s=$(( ($(now_us) - start_all) / 1000000 ))

# ---------------------------------------------------------------- report
: >"$bench_tmp/results.tsv"
: >"$bench_tmp/split.tsv"
for kind in $cases; do
  printf '%s\t%s\n' "${case_title[$kind]}: socket follower" "${lat[$kind/socket]:-}" >>"$bench_tmp/results.tsv"
  [ -z "$cli_pid" ] || printf '%s\t%s\n' "${case_title[$kind]}: CLI follower" "${lat[$kind/cli]:-}" >>"$bench_tmp/results.tsv"
  printf '%s\t%s\n' "${case_title[$kind]}: job wrote -> daemon appended" "${lat[$kind/write]:-}" >>"$bench_tmp/split.tsv"
  printf '%s\t%s\n' "${case_title[$kind]}: appended -> bytes at the client" "${lat[$kind/deliver]:-}" >>"$bench_tmp/split.tsv"
  printf '%s\t%s\n' "${case_title[$kind]}: bytes -> parsed by the client" "${lat[$kind/parse]:-}" >>"$bench_tmp/split.tsv"
done
echo
bench_facts
echo "runs:    $runs timed samples per case after $warmups warm-ups (flood: none; ${elapsed_s}s in all); a trigger ${gap_min}-${gap_max} ms" \
  "(uniform) after the previous event arrived"
echo "daemon:  pid $DAEMON_PID; jobs are python3 programs ($py) in workspace $ws"
echo
echo "latency = follower has the event - the job's time.time_ns() right before it wrote the notify line"
python3 "$report" table "$bench_tmp/results.tsv" ms
echo
echo "where the socket follower's time goes (the event's \"at\" is stamped by the daemon when it appends it;"
echo "the daemon's clock and the job's are the same CLOCK_REALTIME):"
python3 "$report" table "$bench_tmp/split.tsv" ms
echo
echo "per case: lines the job wrote, and the daemon's CPU use while its samples ran:"
for kind in $cases; do
  secs="${case_secs[$kind]}"
  python3 -c "
s = $secs / 1000
print(f'  ${case_title[$kind]}: ${case_samples[$kind]} samples; {${case_lines[$kind]:-0}} lines in {s:.1f}s ({${case_lines[$kind]:-0} / s:.0f} a second);' +
      f' daemon CPU {${case_cpu[$kind]} / 1000:.2f}s ({100 * ${case_cpu[$kind]} / 1000 / s:.0f}% of a core);' +
      f' biggest log file {${case_biggest[$kind]:-0} / 1048576:.0f} MiB (cap $( [ "$kind" = flood ] && [ -n "$flood_log_mb" ] && echo "$flood_log_mb" || echo 64) MiB)')"
done
echo
for kind in $cases; do
  m="$(python3 "$report" median "$bench_tmp/results.tsv" "${case_title[$kind]}: socket follower")"
  [ -z "$m" ] || echo "  ${case_title[$kind]}: socket follower median = $(python3 -c "print(f'{$m / $target_ms:.2f}')") x the target"
  python3 "$report" verdict "${case_title[$kind]}: socket follower median <= $target_ms ms" "$m" "<=" "$target_ms"
done
if [ "${#errors[@]}" -gt 0 ]; then
  echo
  echo "problems:"
  printf '  %s\n' "${errors[@]}"
  bench_errors=$((bench_errors + ${#errors[@]}))
fi
