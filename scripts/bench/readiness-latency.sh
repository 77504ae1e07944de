#!/usr/bin/env bash
# Readiness detection latency: the time from the event that makes a job ready to the waiter learning of it.
# Four cases, each a job (a small python3 program) that blocks on a FIFO until this script triggers it, a
# random DELAY after the job started, and then:
#   log    prints the line its ready-when names;
#   port   binds and listens on a TCP port of 127.0.0.1 (ready-when-port);
#   url    its HTTP/1.1 server (keep-alive), listening from the start and answering 503, answers 200 from then
#          on (ready-when-url);
#   url10  the same with HTTP/1.0, each connection closed after its answer (Python's http.server default).
#          The url servers log every request, so the report also shows how often each poller reached them.
# The job stamps the event (time.time_ns(), CLOCK_REALTIME, as date +%s%N) right when it prints, listens or
# flips to 200. The waiters, all started before the trigger and measured to the same event:
#   bgrun (socket)     a `wait` request over the daemon's socket from a long-lived client (lib/ReadyClient.java),
#                      stamped when the answer arrives: what the daemon adds, without a JVM start;
#   bgrun wait (CLI)   a whole `bgrun wait WS/NAME` process, stamped when it exits (its start-up is before the
#                      event, so only its exit counts);
#   wait-on            (port, url*) `wait-on tcp:127.0.0.1:PORT` / `wait-on http://127.0.0.1:PORT/` from the npm
#                      registry, default options (250 ms polling; HEAD for http), stamped when it exits.
# Warm-up samples (2 per case) are dropped. Reports median, min, p90, max per waiter and case, and the ratio
# of bgrun's to wait-on's median.
# Targets: bgrun (socket) median <= 10 ms (log line), 25 ms (port), 50 ms (url, both).
# Usage: scripts/bench/readiness-latency.sh   RUNS=N samples per case (default 16, at least 5),
#        DELAY_MS=MIN-MAX trigger delay after the job started (default 800-1800), CASES="log port url url10",
#        BGRUN_JAR=path/to/bgrun.jar (default cli/target/bgrun.jar), BENCH_NO_WAITON=1, BENCH_NO_CLI=1 (skip
#        those waiters), BENCH_KEEP=1, BENCH_LOG_DIR=DIR.
# Exits 0 whether or not the targets are met; non-zero when something fails.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

runs="${RUNS:-16}"
if ! [[ "$runs" =~ ^[0-9]+$ ]] || [ "$runs" -lt 5 ]; then
  echo "readiness-latency.sh: RUNS must be a whole number of at least 5 (got '$runs')" >&2
  exit 2
fi
delay_range="${DELAY_MS:-800-1800}"
if ! [[ "$delay_range" =~ ^([0-9]+)-([0-9]+)$ ]] || [ "${BASH_REMATCH[1]}" -gt "${BASH_REMATCH[2]}" ] \
    || [ "${BASH_REMATCH[1]}" -lt 50 ]; then
  echo "readiness-latency.sh: DELAY_MS must be MIN-MAX in ms, MIN at least 50 (got '$delay_range')" >&2
  exit 2
fi
delay_min="${BASH_REMATCH[1]}"
delay_max="${BASH_REMATCH[2]}"
cases="${CASES:-log port url url10}"
for c in $cases; do
  case "$c" in log | port | url | url10) ;; *) echo "readiness-latency.sh: unknown case '$c' in CASES" >&2; exit 2 ;; esac
done
warmups=2
declare -A target_ms=([log]=10 [port]=25 [url]=50 [url10]=50)
declare -A case_title=([log]="log line" [port]="port" [url]="url HTTP/1.1" [url10]="url HTTP/1.0")
report="$bench_repo/scripts/bench/lib/report.py"
ws=rl
errors=()

bench_init readiness-latency
command -v python3 >/dev/null || bench_die "python3 is needed (the jobs are python3 programs)"
# The interpreter itself, not a shim (pyenv's shims are shell scripts that cost a start-up each).
py="$(python3 -c 'import sys; print(sys.executable)')"

# ---------------------------------------------------------------- wait-on, from npm like pm2
WAITON=""
waiton_version=""
if [ -n "${BENCH_NO_WAITON:-}" ]; then
  bench_note "wait-on skipped (BENCH_NO_WAITON is set)"
elif ! command -v npm >/dev/null 2>&1; then
  bench_note "wait-on is unavailable (no npm on PATH): bgrun only"
elif npm install --prefix "$bench_tmp/wait-on" --no-audit --no-fund --loglevel=error wait-on@latest \
    >"$bench_tmp/npm.log" 2>&1 && [ -x "$bench_tmp/wait-on/node_modules/.bin/wait-on" ]; then
  WAITON="$bench_tmp/wait-on/node_modules/.bin/wait-on"
  waiton_version="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["version"])' \
    "$bench_tmp/wait-on/node_modules/wait-on/package.json" 2>/dev/null || echo '?')"
else
  bench_note "wait-on is unavailable (npm install wait-on@latest failed: $(tail -n 2 "$bench_tmp/npm.log" | tr '\n' ' ')): bgrun only"
fi

# ---------------------------------------------------------------- the job program
job="$bench_tmp/job.py"
cat >"$job" <<'EOF'
# job.py KIND FIFO STAMP [PORT]: blocks until something is written to FIFO, then makes itself ready
# (KIND log: prints the ready line; port: listens on PORT; url, url10: its server on PORT, HTTP/1.1 or HTTP/1.0,
# answers 200 instead of 503)
# and writes the moment it did (time.time_ns()) to STAMP. Then it serves until it is stopped.
import socket, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

kind, fifo, stamp = sys.argv[1], sys.argv[2], sys.argv[3]
port = int(sys.argv[4]) if len(sys.argv) > 4 else 0

def trigger():
    with open(fifo) as f:
        f.read()

def record(t):
    with open(stamp + ".tmp", "w") as f:
        f.write(str(t))
    import os
    os.rename(stamp + ".tmp", stamp)

if kind == "log":
    trigger()
    t = time.time_ns()
    sys.stdout.write("bench: ready line\n")
    sys.stdout.flush()
    record(t)
    time.sleep(600)
elif kind == "port":
    trigger()
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(128)
    record(time.time_ns())
    while True:
        c, _ = s.accept()
        c.close()
elif kind in ("url", "url10"):
    ready = threading.Event()
    # Every request: "time_ns user-agent", so the report can tell how often each poller reached the server.
    requests = open(stamp + ".req", "w", buffering=1)
    requests_lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        # url: HTTP/1.1, connections kept alive (as most servers do); url10: HTTP/1.0, each connection closed
        # after its answer (Python's http.server default, and other simple servers).
        protocol_version = "HTTP/1.1" if kind == "url" else "HTTP/1.0"

        def answer(self, body):
            with requests_lock:
                requests.write(f"{time.time_ns()} {self.headers.get('User-Agent', '-').replace(' ', '_')}\n")
            data = b"ok\n" if ready.is_set() else b"not yet\n"
            self.send_response(200 if ready.is_set() else 503)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if body:
                self.wfile.write(data)

        def do_GET(self):
            self.answer(True)

        def do_HEAD(self):
            self.answer(False)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True

    def flip():
        trigger()
        t = time.time_ns()
        ready.set()
        record(t)

    threading.Thread(target=flip, daemon=True).start()
    server.serve_forever()
EOF

free_port() {
  "$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# ---------------------------------------------------------------- the client, as a coprocess
bg list >/dev/null || bench_die "bgrun list failed"
bgrun_daemon_pid
[ -n "$DAEMON_PID" ] || bench_die "no daemon after bgrun list"
mkdir -p "$bench_tmp/client"
"$BGRUN_JAVA_HOME/bin/javac" -cp "$bench_jar" -d "$bench_tmp/client" "$bench_repo/scripts/bench/lib/ReadyClient.java" \
  || bench_die "javac failed on scripts/bench/lib/ReadyClient.java"
coproc CLIENT { exec "$BGRUN_JAVA_HOME/bin/java" -XX:+UseSerialGC -cp "$bench_jar:$bench_tmp/client" ReadyClient \
  "$BGRUN_HOME" "$ws" 2>"$bench_tmp/client.err"; }
client_pid="$CLIENT_PID"
client_in="${CLIENT[1]}"
client_out="${CLIENT[0]}"
bg_pids=()

# Ends what this script started itself (the client, waiters still running), then the common clean-up.
readiness_cleanup() {
  local status=$? pid child
  set +e
  # A waiter subshell's child (node, java) first, by its pid, so that none is left to its own timeout.
  for pid in "${bg_pids[@]}"; do
    for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do kill -TERM "$child" 2>/dev/null; done
  done
  for pid in "${bg_pids[@]}" "${client_pid:-}"; do
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
  done
  for pid in "${bg_pids[@]}" "${client_pid:-}"; do
    [ -n "$pid" ] && wait_gone "$pid" 5
  done
  (exit "$status")
  bench_cleanup
}
trap readiness_cleanup EXIT

# to_client LINE; from_client [TIMEOUT_S] sets REPLY_LINE (dies on a timeout or the client's end).
to_client() { printf '%s\n' "$1" >&"$client_in"; }
from_client() {
  REPLY_LINE=""
  if ! IFS= read -r -t "${1:-30}" REPLY_LINE <&"$client_out"; then
    bench_die "no answer from the client within ${1:-30} s (its stderr: $(head -c 500 "$bench_tmp/client.err" 2>/dev/null))"
  fi
}

mkdir -p "$bench_tmp/s"
: >"$bench_tmp/samples.tsv"
declare -A lat
samples=0

# sample KIND I TIMED: one job, one trigger, every waiter; appends the latencies (ms) to lat[KIND/WAITER].
sample() {
  local kind="$1" i="$2" timed="$3"
  local name="$kind$i" dir="$bench_tmp/s" port="" spec resource=""
  local fifo="$dir/$name.fifo" stamp="$dir/$name.event" wo_file="$dir/$name.waiton" cli_file="$dir/$name.cli"
  mkfifo "$fifo"
  case "$kind" in
    log)
      spec="{\"cmd\":[\"$py\",\"$job\",\"log\",\"$fifo\",\"$stamp\"],\"ready-when\":\"bench: ready line\"}" ;;
    port)
      port="$(free_port)"
      resource="tcp:127.0.0.1:$port"
      spec="{\"cmd\":[\"$py\",\"$job\",\"port\",\"$fifo\",\"$stamp\",\"$port\"],\"ready-when-port\":$port}" ;;
    url | url10)
      port="$(free_port)"
      resource="http://127.0.0.1:$port/"
      spec="{\"cmd\":[\"$py\",\"$job\",\"$kind\",\"$fifo\",\"$stamp\",\"$port\"],\"ready-when-url\":\"$resource\"}" ;;
  esac
  to_client "run $name $spec"
  from_client
  local t0
  t0=$(now_us)
  [[ "$REPLY_LINE" == "ran $name running "* ]] || bench_die "run $name: $REPLY_LINE"
  to_client "wait $name 30000"
  from_client
  [ "$REPLY_LINE" = "sent $name" ] || bench_die "wait $name: $REPLY_LINE"
  local wo_pid="" cli_pid=""
  if [ -n "$WAITON" ] && [ -n "$resource" ]; then
    (
      rc=0
      NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost "$WAITON" -t 30000 "$resource" >/dev/null 2>&1 || rc=$?
      t="${EPOCHREALTIME/[.,]/}"
      echo "$rc $t" >"$wo_file"
    ) &
    wo_pid=$!
    bg_pids+=("$wo_pid")
  fi
  if [ -z "${BENCH_NO_CLI:-}" ]; then
    (
      rc=0
      bg wait "$ws/$name" --timeout 30s >"$cli_file.out" 2>&1 || rc=$?
      t="${EPOCHREALTIME/[.,]/}"
      echo "$rc $t" >"$cli_file"
    ) &
    cli_pid=$!
    bg_pids+=("$cli_pid")
  fi
  # The trigger, DELAY after the job was started (every waiter is long armed by then).
  local delay=$((delay_min + (RANDOM * 32768 + RANDOM) % (delay_max - delay_min + 1)))
  local left=$((t0 + delay * 1000 - $(now_us)))
  [ "$left" -gt 0 ] && sleep "$(printf '%d.%06d' $((left / 1000000)) $((left % 1000000)))"
  # Waiters that returned before the event would make the latency meaningless.
  [ -z "$wo_pid" ] || kill -0 "$wo_pid" 2>/dev/null || errors+=("$name: wait-on ended before the trigger")
  [ -z "$cli_pid" ] || kill -0 "$cli_pid" 2>/dev/null || errors+=("$name: bgrun wait ended before the trigger")
  timeout 10 bash -c 'echo go >"$1"' _ "$fifo" || bench_die "$name: the job did not take the trigger"
  from_client 35
  local w_name w_at w_ready w_state w_elapsed
  read -r _ w_name w_at w_ready w_state w_elapsed <<<"$REPLY_LINE"
  [[ "$REPLY_LINE" == "waited $name "* ]] || bench_die "wait $name: $REPLY_LINE"
  [ "$w_ready" = true ] || bench_die "wait $name: not ready: $REPLY_LINE"
  local pid rc t
  for pid in $wo_pid $cli_pid; do
    wait "$pid" || true
  done
  bg_pids=()
  local k=0
  while [ ! -s "$stamp" ] && [ "$k" -lt 200 ]; do sleep 0.01; k=$((k + 1)); done
  [ -s "$stamp" ] || bench_die "$name: the job wrote no event stamp"
  local event_ns
  event_ns="$(cat "$stamp")"
  to_client "stop $name"
  from_client
  [ "$REPLY_LINE" = "stopped $name" ] || bench_die "stop $name: $REPLY_LINE"
  rm -f "$fifo"
  [ "$timed" = 1 ] || rm -f "$stamp.req"
  [ "$timed" = 1 ] || return 0
  # Latencies in ms, 3 decimals; a waiter may not learn of an event before it (clock: CLOCK_REALTIME).
  add() {
    local key="$1" ns="$2"
    if [ "$ns" -lt 0 ]; then
      errors+=("$name: $key returned $(( -ns / 1000 )) us BEFORE the event")
    fi
    local sign="" abs="$ns"
    [ "$ns" -lt 0 ] && sign="-" && abs=$((-ns))
    lat[$key]+="$sign$((abs / 1000000)).$(printf '%03d' $(((abs % 1000000) / 1000))) "
  }
  add "$kind/socket" $((w_at - event_ns))
  if [ -n "$cli_pid" ]; then
    read -r rc t <"$cli_file"
    [ "$rc" -eq 0 ] || errors+=("$name: bgrun wait exited $rc: $(head -c 300 "$cli_file.out")")
    add "$kind/cli" $((t * 1000 - event_ns))
  fi
  if [ -n "$wo_pid" ]; then
    read -r rc t <"$wo_file"
    [ "$rc" -eq 0 ] || errors+=("$name: wait-on exited $rc")
    add "$kind/waiton" $((t * 1000 - event_ns))
  fi
  lat[$kind/delay]+="$delay "
  printf '%s\t%s\t%s\t%s\t%s\n' "$kind" "$name" "$t0" "$event_ns" "$w_at" >>"$bench_tmp/samples.tsv"
  samples=$((samples + 1))
}

start_all=$(now_us)
for kind in $cases; do
  echo "case ${case_title[$kind]}: $warmups warm-up + $runs timed samples (trigger ${delay_min}-${delay_max} ms after start)..." >&2
  for ((i = 0; i < warmups + runs; i++)); do
    if [ "$i" -lt "$warmups" ]; then
      sample "$kind" "$i" 0
    else
      sample "$kind" "$i" 1
    fi
  done
done
elapsed_s=$(( ($(now_us) - start_all) / 1000000 ))
to_client quit
wait "$client_pid" 2>/dev/null || true
client_pid=""

# ---------------------------------------------------------------- report
: >"$bench_tmp/results.tsv"
for kind in $cases; do
  printf '%s\t%s\n' "${case_title[$kind]}: bgrun (socket)" "${lat[$kind/socket]:-}" >>"$bench_tmp/results.tsv"
  [ -z "${BENCH_NO_CLI:-}" ] && printf '%s\t%s\n' "${case_title[$kind]}: bgrun wait (CLI)" "${lat[$kind/cli]:-}" \
    >>"$bench_tmp/results.tsv"
  if [ -n "$WAITON" ] && [ "$kind" != log ]; then
    printf '%s\t%s\n' "${case_title[$kind]}: wait-on" "${lat[$kind/waiton]:-}" >>"$bench_tmp/results.tsv"
  fi
done
echo
bench_facts
if [ -n "$WAITON" ]; then
  echo "wait-on: $waiton_version (node $(node --version 2>/dev/null)), default options: 250 ms interval, HEAD for http"
else
  echo "wait-on: unavailable"
fi
echo "runs:    $runs timed samples per case after $warmups warm-ups ($samples in all, ${elapsed_s}s);" \
  "trigger ${delay_min}-${delay_max} ms (uniform) after the job started"
echo "daemon:  pid $DAEMON_PID; jobs are python3 programs ($py) in workspace $ws"
echo
echo "latency = waiter learns of it - event (the job's time.time_ns() when it printed / listened / turned 200)"
python3 "$report" table "$bench_tmp/results.tsv" ms
echo "(a poller that looks every P ms sees an event at a random moment P/2 later on average: 125 ms for 250 ms)"
echo
echo "ratios of medians (below 1: bgrun learns of it sooner than wait-on):"
for kind in $cases; do
  m="$(python3 "$report" median "$bench_tmp/results.tsv" "${case_title[$kind]}: bgrun (socket)")"
  if [ "$kind" != log ] && [ -n "$WAITON" ]; then
    w="$(python3 "$report" median "$bench_tmp/results.tsv" "${case_title[$kind]}: wait-on")"
    c="$(python3 "$report" median "$bench_tmp/results.tsv" "${case_title[$kind]}: bgrun wait (CLI)")"
    python3 -c "
m, w, c = float('$m'), float('$w'), '$c'
line = f'  ${case_title[$kind]}: bgrun (socket) / wait-on = {m / w:.2f}'
if c:
    line += f'; bgrun wait (CLI) / wait-on = {float(c) / w:.2f}'
print(line)"
  fi
done
# How often each poller reached the url servers (from the servers' request logs): the spacing of its requests
# in the steady state (from 400 ms after the job started to the event), and for bgrun the time from its probe's
# first 200 answer to the waiter knowing (the daemon's own share once the probe has succeeded).
if [[ " $cases " == *" url"* ]]; then
  echo
  python3 - "$bench_tmp/samples.tsv" "$bench_tmp/s" <<'EOF'
import os, statistics, sys
samples, folder = sys.argv[1], sys.argv[2]
titles = {"url": "url HTTP/1.1", "url10": "url HTTP/1.0"}
rows = {}
for line in open(samples):
    kind, name, t0_us, event_ns, waited_ns = line.split()
    path = os.path.join(folder, name + ".event.req")
    if kind not in titles or not os.path.exists(path):
        continue
    t0, event, waited = int(t0_us) * 1000, int(event_ns), int(waited_ns)
    seen = {}
    for req in open(path):
        t, agent = req.split(" ", 1)
        who = "bgrun probe" if "okhttp" in agent.lower() else "wait-on" if "axios" in agent.lower() else "other"
        seen.setdefault(who, []).append(int(t))
    for who, times in seen.items():
        r = rows.setdefault((kind, who), {"gaps": [], "after": []})
        steady = [t for t in times if t0 + 400e6 <= t < event]
        r["gaps"] += [(b - a) / 1e6 for a, b in zip(steady, steady[1:])]
        if who == "bgrun probe":
            first_ok = [t for t in times if t >= event]
            if first_ok:
                r["after"].append((waited - first_ok[0]) / 1e6)
if rows:
    print("requests reaching the url servers before the event (steady state, 400 ms after start on):")
    for (kind, who), r in sorted(rows.items()):
        g = r["gaps"]
        line = f"  {titles[kind] + ':':<14} {who:<12}"
        if g:
            line += f" one every {statistics.median(g):6.1f} ms (median gap; {len(g)} gaps, min {min(g):.1f}, max {max(g):.1f})"
        if r["after"]:
            line += f"; its first 200 -> waiter told: median {statistics.median(r['after']):.2f} ms"
        print(line)
EOF
fi
for kind in $cases; do
  python3 "$report" verdict "${case_title[$kind]}: bgrun median <= ${target_ms[$kind]} ms" \
    "$(python3 "$report" median "$bench_tmp/results.tsv" "${case_title[$kind]}: bgrun (socket)")" "<=" "${target_ms[$kind]}"
done
if [ "${#errors[@]}" -gt 0 ]; then
  echo
  echo "problems:"
  printf '  %s\n' "${errors[@]}"
  bench_errors=$((bench_errors + ${#errors[@]}))
fi
